import { z } from 'zod';
import { TaskId, TerminalId } from './shared.js';
import { LogLine, TaskSnapshot } from './tasks.js';

/** Everything the core pushes to the UI, as one discriminated union on `type`. */
export const CompanionEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task.updated'), task: TaskSnapshot }),
  z.object({ type: z.literal('task.log'), taskId: TaskId, line: LogLine }),
  /** A task's result changed (a first-boot report as it fills in); the same shape `tasks.result` answers. */
  z.object({ type: z.literal('task.detail'), id: TaskId, kind: z.string(), result: z.unknown() }),
  z.object({ type: z.literal('terminal.data'), id: TerminalId, data: z.string() }),
  z.object({
    type: z.literal('terminal.exit'),
    id: TerminalId,
    exitCode: z.number().int().nullable(),
    signal: z.number().int().nullable(),
  }),
]);
export type CompanionEvent = z.infer<typeof CompanionEvent>;
export type CompanionEventType = CompanionEvent['type'];
