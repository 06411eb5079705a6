import type { LogLine, TaskProgress, TaskSnapshot, TaskSubject } from '../contract/index.js';

export interface ProgressUpdate {
  phase: string;
  done: number;
  total?: number | null;
  unit?: TaskProgress['unit'];
}

/** What a running task may do: report, log, learn it was cancelled. */
export interface TaskContext<R = unknown> {
  readonly taskId: string;
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  log(message: string, level?: LogLine['level']): void;
  /** Registers a secret so any log line containing it is masked. */
  redact(secret: string): void;
  /** Says, in words, what state the task leaves things in (shown on success, failure and cancel). */
  setOutcome(text: string): void;
  /**
   * What the task has made so far (a live report, the cards written before one failed), checked against its kind's
   * schema: `tasks.result` answers it and a `task.detail` event carries it. The runner's return value is the last.
   */
  setResult(value: R): void;
}

export type TaskRunner<T> = (ctx: TaskContext<T>) => Promise<T>;

export interface StartOptions<R> {
  /** What it works on, shown with it and used by pages to find it again. */
  subject?: TaskSubject;
  /** Keys only one running task may hold, in this process and across processes: `host:pi`, `drive:/dev/sdb`. */
  exclusiveKeys?: readonly string[];
  /** The error for a start refused because `key` is held: by `holder` in this process, or (null) by another one. */
  whenBusy?: (key: string, holder: TaskSnapshot | null) => Error;
  /**
   * What of the result leaves the runner (events, `tasks.result`, the history); all of it by default. Only the caller
   * of `start` gets the whole value (the CLI's `--json`), through `StartedTask.result`.
   */
  sharedResult?(result: R): R;
  /** What the history keeps on disk of the shared result; all of it by default. */
  storedResult?(result: R): R;
}

export interface StartedTask<T> {
  id: string;
  /** Settles with the runner's whole value, or rejects with why it failed or was cancelled. */
  result: Promise<T>;
}

export interface TaskManagerOptions {
  /** Where cross-process claims of `exclusiveKeys` live (the data folder's `locks/`); without it, this process only. */
  locksDir?: string | null;
  now?: () => number;
}
