import { z } from 'zod';
import { Ok, TerminalId, TerminalSize, type ChannelGroup } from './shared.js';

/**
 * Opening a terminal names only its size: the core starts the user's login shell, and typing reaches it as input.
 * The renderer is untrusted, so no request chooses a program, its arguments, folder or environment.
 */
export const TerminalStartRequest = TerminalSize.strict();
export type TerminalStartRequest = z.infer<typeof TerminalStartRequest>;

export const terminalChannels = {
  /** Opens the user's login shell; every other program the core runs, it builds itself (see firstBoot.deploy). */
  'terminal.start': {
    request: TerminalStartRequest,
    response: z.object({ id: TerminalId, shell: z.string() }),
  },
  'terminal.write': {
    request: z.object({ id: TerminalId, data: z.string().max(65_536) }).strict(),
    response: Ok,
  },
  'terminal.resize': { request: TerminalSize.extend({ id: TerminalId }).strict(), response: Ok },
  'terminal.kill': { request: z.object({ id: TerminalId }).strict(), response: Ok },
} as const satisfies ChannelGroup<'terminal'>;
