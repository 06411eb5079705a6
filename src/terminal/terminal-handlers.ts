import type { HandlersOf, terminalChannels } from '../contract/index.js';
import type { TerminalService } from './terminal-service.js';

const ok = { ok: true as const };

export function terminalHandlers(terminals: TerminalService): HandlersOf<typeof terminalChannels> {
  return {
    'terminal.start': async (size) => terminals.openLoginShell(size),
    'terminal.write': async ({ id, data }) => (terminals.write(id, data), ok),
    'terminal.resize': async ({ id, cols, rows }) => (terminals.resize(id, cols, rows), ok),
    'terminal.kill': async ({ id }) => (terminals.kill(id), ok),
  };
}
