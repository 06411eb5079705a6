import { randomBytes } from 'node:crypto';
import type { LogLine, TaskProgress, TaskSnapshot } from '../contract/index.js';
import { CancelledError, NotFoundError, describeError, isCode, type CoreErrorCode } from '../errors.js';
import type { EventHub } from '../event-hub.js';
import { RateMeter } from './rate-meter.js';
import { Redactor } from './redactor.js';
import type { TaskHistory } from './task-history.js';

export interface ProgressUpdate {
  phase: string;
  done: number;
  total?: number | null;
  unit?: TaskProgress['unit'];
}

/** What a running task may do: report, log, learn it was cancelled. */
export interface TaskContext {
  readonly taskId: string;
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  log(message: string, level?: LogLine['level']): void;
  /** Registers a secret so any log line containing it is masked. */
  redact(secret: string): void;
  /** Says, in words, what state the task leaves things in (shown on success, failure and cancel). */
  setOutcome(text: string): void;
}

export type TaskRunner<T> = (ctx: TaskContext) => Promise<T>;

const PROGRESS_INTERVAL_MS = 100;

interface LiveTask {
  snapshot: TaskSnapshot;
  controller: AbortController;
  meter: RateMeter;
  lastEmit: number;
  logWrites: Promise<void>;
  settled?: Promise<unknown>;
}

/** The one model for everything long: ids, states, throttled progress with rate, logs, cancellation, history. */
export class TaskManager {
  private finished: TaskSnapshot[] = [];
  private readonly live = new Map<string, LiveTask>();

  constructor(
    private readonly history: TaskHistory,
    private readonly events: EventHub,
    private readonly now: () => number = Date.now,
  ) {}

  async init(): Promise<void> {
    this.finished = await this.history.load();
  }

  list(): TaskSnapshot[] {
    return [...this.finished, ...[...this.live.values()].map((task) => task.snapshot)];
  }

  get(id: string): TaskSnapshot {
    const task = this.live.get(id)?.snapshot ?? this.finished.find((t) => t.id === id);
    if (!task)
      throw new NotFoundError(`No task with id ${id}.`, 'It may have been removed from the history.');
    return task;
  }

  async log(id: string): Promise<LogLine[]> {
    this.get(id);
    await this.live.get(id)?.logWrites;
    return this.history.readLog(id);
  }

  cancel(id: string): boolean {
    const task = this.live.get(id);
    if (!task) {
      this.get(id);
      return false;
    }
    if (!task.controller.signal.aborted) task.controller.abort(new CancelledError());
    return true;
  }

  /** Cancels every running task and waits (up to `timeoutMs`) for each to clean up after itself. */
  async cancelAll(timeoutMs = 10_000): Promise<void> {
    const running = [...this.live.values()];
    for (const task of running) this.cancel(task.snapshot.id);
    const settled = Promise.all(running.map((task) => task.settled));
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  async clearHistory(): Promise<number> {
    const removed = this.finished.length;
    this.finished = await this.history.save([], { clear: true });
    return removed;
  }

  /** Starts a task; `result` settles with the runner's value, or rejects with why it failed or was cancelled. */
  start<T>(kind: string, title: string, run: TaskRunner<T>): { id: string; result: Promise<T> } {
    const id = `t-${this.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const live: LiveTask = {
      snapshot: {
        id,
        kind,
        title,
        state: 'running',
        progress: null,
        startedAt: new Date(this.now()).toISOString(),
        endedAt: null,
        error: null,
        outcome: null,
        logFile: this.history.logFileOf(id),
      },
      controller: new AbortController(),
      meter: new RateMeter(),
      lastEmit: 0,
      logWrites: Promise.resolve(),
    };
    this.live.set(id, live);
    const redactor = new Redactor();
    const ctx = this.contextFor(live, redactor);
    // The task runs whether or not the history can be saved (a full data folder): say so in its log instead.
    this.history.save(this.list()).catch((error: unknown) => ctx.log(historyNote(error), 'warn'));
    this.emitUpdate(live);
    ctx.log(`Started: ${title}`);

    const result = (async () => {
      try {
        const value = await run(ctx);
        if (live.controller.signal.aborted) throw live.controller.signal.reason;
        await this.finish(live, ctx, 'succeeded', null);
        return value;
      } catch (error) {
        const cancelled = live.controller.signal.aborted;
        const info = describeError(cancelled ? live.controller.signal.reason : error);
        ctx.log(`${cancelled ? 'Cancelled' : 'Failed'}: ${info.message}`, cancelled ? 'warn' : 'error');
        const unexpected = isCode<CoreErrorCode>(info.code, 'internal');
        if (!cancelled && error instanceof Error && unexpected && error.stack) {
          ctx.log(error.stack, 'debug');
        }
        await this.finish(live, ctx, cancelled ? 'cancelled' : 'failed', {
          ...info,
          message: redactor.apply(info.message),
          hint: redactor.apply(info.hint),
        });
        throw cancelled ? live.controller.signal.reason : error;
      }
    })();
    // Callers that only watch events must not see an unhandled rejection.
    live.settled = result.catch(() => undefined);
    return { id, result };
  }

  private contextFor(live: LiveTask, redactor: Redactor): TaskContext {
    return {
      taskId: live.snapshot.id,
      signal: live.controller.signal,
      progress: (update) => this.updateProgress(live, update),
      log: (message, level = 'info') => {
        const line: LogLine = {
          at: new Date(this.now()).toISOString(),
          level,
          message: redactor.apply(message),
        };
        const id = live.snapshot.id;
        live.logWrites = live.logWrites.then(() => this.history.appendLog(id, line)).catch(() => undefined);
        this.events.emit({ type: 'task.log', taskId: id, line });
      },
      redact: (secret) => redactor.add(secret),
      setOutcome: (text) => {
        live.snapshot = { ...live.snapshot, outcome: redactor.apply(text) };
      },
    };
  }

  private updateProgress(live: LiveTask, update: ProgressUpdate): void {
    const at = this.now();
    const phaseChanged = live.snapshot.progress?.phase !== update.phase;
    if (phaseChanged) live.meter = new RateMeter();
    const rate = live.meter.sample(update.done, at);
    live.snapshot = {
      ...live.snapshot,
      progress: {
        phase: update.phase,
        done: update.done,
        total: update.total ?? null,
        rate,
        unit: update.unit ?? live.snapshot.progress?.unit ?? 'steps',
      },
    };
    // Throttle: IPC and React re-render cost per event; a 4 MiB-chunk writer would otherwise flood both.
    if (phaseChanged || at - live.lastEmit >= PROGRESS_INTERVAL_MS) this.emitUpdate(live);
  }

  private emitUpdate(live: LiveTask): void {
    live.lastEmit = this.now();
    this.events.emit({ type: 'task.updated', task: live.snapshot });
  }

  private async finish(
    live: LiveTask,
    ctx: TaskContext,
    state: TaskSnapshot['state'],
    error: TaskSnapshot['error'],
  ): Promise<void> {
    if (state === 'succeeded') ctx.log('Done.');
    live.snapshot = { ...live.snapshot, state, error, endedAt: new Date(this.now()).toISOString() };
    await live.logWrites;
    this.live.delete(live.snapshot.id);
    this.finished.push(live.snapshot);
    try {
      this.finished = (
        await this.history.save([...this.finished, ...[...this.live.values()].map((t) => t.snapshot)])
      ).filter((t) => !this.live.has(t.id));
    } catch (error) {
      // The run itself is over and stays in memory; only its record on disk is missing, and the task says so.
      const note = historyNote(error);
      ctx.log(note, 'warn');
      await live.logWrites;
      const withNote = { ...live.snapshot, outcome: [live.snapshot.outcome, note].filter(Boolean).join(' ') };
      this.finished = this.finished.map((t) => (t.id === withNote.id ? withNote : t));
      live.snapshot = withNote;
    }
    this.emitUpdate(live);
  }
}

function historyNote(error: unknown): string {
  const { message, hint } = describeError(error);
  return `${message} ${hint}`;
}
