import { z } from 'zod';

/** Pieces every domain's contract uses, declared once. Everything here crosses a process boundary. */

export const ErrorInfo = z.object({
  code: z.string(),
  message: z.string(),
  /** What to do, in the app's words (buttons and fields, never command-line flags). */
  hint: z.string(),
  /** The same advice for the command line, where it differs (names the flag to pass). */
  cliHint: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const TaskId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'a task id looks like "t-…"');
export const TerminalId = z.string().regex(/^pty-[0-9]+$/);

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });

/** A request that names one task and nothing else. */
export const TaskRef = z.object({ id: TaskId }).strict();
/** What a channel that starts a task answers. */
export const TaskStarted = z.object({ id: TaskId });

/** A terminal's size in character cells; requests extend it (`.extend({...}).strict()`). */
export const TerminalSize = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(2).max(500),
});
export type TerminalSize = z.infer<typeof TerminalSize>;

/** One channel: what the request may hold (validated before any handler runs) and what it answers. */
export interface ChannelDef {
  request: z.ZodType;
  response: z.ZodType;
}

/** A domain's channels, all named `<group>.<verb>` for that one group, so merging domains cannot collide. */
export type ChannelGroup<G extends string> = Record<`${G}.${string}`, ChannelDef>;

/**
 * A domain's task kinds, each with the schema of its result: what `tasks.result` answers, `task.detail` carries while
 * the task runs, and the history keeps after it ended.
 */
export type TaskResultGroup = Record<string, z.ZodType>;

/** One handler per channel of a map; a missing or mistyped handler does not compile. */
export type HandlersOf<M extends Record<string, ChannelDef>> = {
  [C in keyof M]: (request: z.output<M[C]['request']>) => Promise<z.output<M[C]['response']>>;
};
