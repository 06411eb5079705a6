import { z } from 'zod';
import {
  Empty,
  ErrorInfo,
  TaskId,
  TaskRef,
  TaskStarted,
  type ChannelGroup,
  type TaskResultGroup,
} from './shared.js';

export const TaskState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type TaskState = z.infer<typeof TaskState>;

export const TaskProgress = z.object({
  phase: z.string(),
  done: z.number().nonnegative(),
  /** Unknown total (e.g. a stream of unknown length) is null; the UI then shows an indeterminate bar. */
  total: z.number().nonnegative().nullable(),
  /** Units per second, smoothed; null until two samples exist. */
  rate: z.number().nonnegative().nullable(),
  /** What done/total count: bytes get MB/s, items get items/s. */
  unit: z.enum(['bytes', 'items', 'steps']),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

/** What a task works on, for the faces: "pi.img → /dev/sdb", and for a page to find its running task again. */
export const TaskSubject = z.object({
  host: z.string().nullable(),
  /** What is read: an image file, a flake folder. */
  source: z.string().nullable(),
  /** What is written or reached: the output image, the cards, the Pi's address. */
  targets: z.array(z.string()),
});
export type TaskSubject = z.infer<typeof TaskSubject>;

export const TaskSnapshot = z.object({
  id: TaskId,
  kind: z.string(),
  title: z.string(),
  state: TaskState,
  progress: TaskProgress.nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  error: ErrorInfo.nullable(),
  /** What the task left behind, in words (e.g. "the card is unusable until flashed again"). */
  outcome: z.string().nullable(),
  logFile: z.string(),
  /** Null for tasks that name none (the self-test) and in entries from before subjects were kept. */
  subject: TaskSubject.nullable().default(null),
});
export type TaskSnapshot = z.infer<typeof TaskSnapshot>;

export const LogLine = z.object({
  at: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

export const SelfTestResult = z.object({ steps: z.number().int() });

export const tasksTaskResults = { 'self-test': SelfTestResult } as const satisfies TaskResultGroup;

/**
 * A task's result as it crosses a process boundary: `result` is null while there is none (a run that failed before
 * making one, or an entry from before results were kept); `taskResultOf` checks it against its kind's schema.
 */
export const TaskResultCarrier = z.object({ id: TaskId, kind: z.string(), result: z.unknown() });
export type TaskResultCarrier = z.infer<typeof TaskResultCarrier>;

export const tasksChannels = {
  'tasks.list': { request: Empty, response: z.array(TaskSnapshot) },
  'tasks.log': { request: TaskRef, response: z.array(LogLine) },
  'tasks.result': { request: TaskRef, response: TaskResultCarrier },
  'tasks.cancel': { request: TaskRef, response: z.object({ cancelled: z.boolean() }) },
  'tasks.clearHistory': { request: Empty, response: z.object({ removed: z.number().int() }) },
  'tasks.startSelfTest': {
    request: z
      .object({
        steps: z.number().int().min(1).max(10_000),
        stepMs: z.number().int().min(1).max(10_000),
        failAt: z.number().int().min(1).optional(),
      })
      .strict(),
    response: TaskStarted,
  },
} as const satisfies ChannelGroup<'tasks'>;
