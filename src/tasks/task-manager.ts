import { randomBytes } from 'node:crypto';
import type {
  LogLine,
  TaskKind,
  TaskResult,
  TaskResultCarrier,
  TaskSnapshot,
  TaskSubject,
} from '../contract/index.js';
import {
  CancelledError,
  CompanionError,
  NotFoundError,
  describeError,
  isCode,
  type CoreErrorCode,
} from '../errors.js';
import type { EventHub } from '../event-hub.js';
import { applyProgress, createLiveTask, type LiveTask } from './live-task.js';
import { Redactor } from './redactor.js';
import { TaskClaims, taskBusyError, type ClaimRefusal } from './task-claims.js';
import type { TaskHistory } from './task-history.js';
import { FinishedResults, checkedResult, redactDeep } from './task-results.js';
import { endLine, historyNote } from './task-log-lines.js';
import type {
  ProgressUpdate,
  StartOptions,
  StartedTask,
  TaskContext,
  TaskManagerOptions,
  TaskRunner,
} from './task-types.js';

const PROGRESS_INTERVAL_MS = 100;

/** A started task as its manager runs it. */
interface Job {
  live: LiveTask;
  ctx: TaskContext;
  redactor: Redactor;
  options: StartOptions<unknown>;
  release: () => Promise<void>;
}

/** The one model for everything long: ids, states, throttled progress with rate, logs, cancellation, history. */
export class TaskManager {
  private finished: TaskSnapshot[] = [];
  private readonly live = new Map<string, LiveTask>();
  private readonly claims: TaskClaims;
  private readonly results: FinishedResults;
  private readonly now: () => number;

  constructor(
    private readonly history: TaskHistory,
    private readonly events: EventHub,
    options: TaskManagerOptions = {},
  ) {
    this.claims = new TaskClaims(options.locksDir ?? null);
    this.results = new FinishedResults(history);
    this.now = options.now ?? Date.now;
  }

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

  /** The task's result: live while it runs, final once it ended (kept with the history), null when it made none. */
  async result(id: string): Promise<TaskResultCarrier> {
    const task = this.get(id);
    const live = this.live.get(id);
    if (live) return { id, kind: task.kind, result: live.result };
    return this.results.read(task);
  }

  /** The result of a task this process runs or ran (never one read back from disk); null when there is none. */
  resultHeldHere(id: string): TaskResultCarrier | null {
    const live = this.live.get(id);
    if (live) return { id, kind: live.snapshot.kind, result: live.result };
    return this.results.ownResult(this.get(id));
  }

  /** Who holds `key` now: a running task of this process, another process (taskId null), or nobody. */
  async keyHolder(key: string): Promise<{ taskId: string | null; title: string } | null> {
    const here = this.holderOf(key);
    if (here) return { taskId: here.id, title: here.title };
    if (await this.claims.heldElsewhere(key))
      return { taskId: null, title: 'a run in another window of the app or a companion command' };
    return null;
  }

  /** The running task holding `key`, if one of this process does. */
  holderOf(key: string): TaskSnapshot | null {
    const id = this.claims.holderOf(key);
    return (id && this.live.get(id)?.snapshot) || null;
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

  /**
   * Starts a task once it holds its `exclusiveKeys`; refused (before anything runs) while another task holds one.
   */
  async start<K extends TaskKind>(
    kind: K,
    title: string,
    run: TaskRunner<TaskResult<K>>,
    options: StartOptions<TaskResult<K>> = {},
  ): Promise<StartedTask<TaskResult<K>>> {
    const id = `t-${this.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    let lost: ((key: string) => void) | null = null;
    const claim = await this.claims.claim(id, options.exclusiveKeys ?? [], (key) => lost?.(key));
    if ('refused' in claim) throw this.busyError(claim.refused, options);
    const redactor = new Redactor();
    const shared = (value: TaskResult<K>) =>
      redactDeep(options.sharedResult ? options.sharedResult(value) : value, redactor);
    let job: Job;
    try {
      const live = this.register(id, kind, title, options.subject ?? null);
      const ctx = this.contextFor<K>(live, kind, redactor, shared);
      job = { live, ctx, redactor, options: options as StartOptions<unknown>, release: claim.release };
      lost = (key) =>
        ctx.log(
          `This run's hold on ${key} lapsed (the app was stalled); another run may have started.`,
          'warn',
        );
      // The task runs whether or not the history can be saved (a full data folder): say so in its log instead.
      this.history.save(this.list()).catch((error: unknown) => ctx.log(historyNote(error), 'warn'));
      this.emitUpdate(live);
      ctx.log(`Started: ${title}`);
    } catch (error) {
      await claim.release();
      throw error;
    }
    const result = this.runJob(job, kind, run, shared);
    // Callers that only watch events must not see an unhandled rejection.
    job.live.settled = result.catch(() => undefined);
    return { id, result };
  }

  private async runJob<K extends TaskKind>(
    job: Job,
    kind: K,
    run: TaskRunner<TaskResult<K>>,
    shared: (value: TaskResult<K>) => unknown,
  ): Promise<TaskResult<K>> {
    const { live, ctx, redactor } = job;
    try {
      const value = checkedResult(kind, await run(ctx as TaskContext<TaskResult<K>>));
      if (live.controller.signal.aborted) throw live.controller.signal.reason;
      live.result = shared(value);
      await this.finish(job, 'succeeded', null);
      return value;
    } catch (error) {
      const cancelled = live.controller.signal.aborted;
      const info = describeError(cancelled ? live.controller.signal.reason : error);
      ctx.log(endLine(cancelled, info.message), cancelled ? 'warn' : 'error');
      // A tool's own words explain the failure to whoever reads the log; the headline stays in plain words.
      if (error instanceof CompanionError && error.details) ctx.log(error.details, 'info');
      const unexpected = isCode<CoreErrorCode>(info.code, 'internal');
      if (!cancelled && error instanceof Error && unexpected && error.stack) ctx.log(error.stack, 'debug');
      await this.finish(job, cancelled ? 'cancelled' : 'failed', redactDeep(info, redactor));
      throw cancelled ? live.controller.signal.reason : error;
    } finally {
      await job.release(); // again, for a throw inside finish: releasing twice is harmless
    }
  }

  private register(id: string, kind: TaskKind, title: string, subject: TaskSubject | null): LiveTask {
    const live = createLiveTask(
      { id, kind, title, logFile: this.history.logFileOf(id), subject },
      this.now(),
    );
    this.live.set(id, live);
    return live;
  }

  private busyError(refusal: ClaimRefusal, options: StartOptions<unknown>): Error {
    const holder = refusal.holderTaskId ? (this.live.get(refusal.holderTaskId)?.snapshot ?? null) : null;
    return options.whenBusy ? options.whenBusy(refusal.key, holder) : taskBusyError(refusal.key, holder);
  }

  private contextFor<K extends TaskKind>(
    live: LiveTask,
    kind: K,
    redactor: Redactor,
    shared: (value: TaskResult<K>) => unknown,
  ): TaskContext<TaskResult<K>> {
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
      setResult: (value) => {
        live.result = shared(checkedResult(kind, value));
        this.emitDetail(live);
      },
    };
  }

  private updateProgress(live: LiveTask, update: ProgressUpdate): void {
    const at = this.now();
    const phaseChanged = applyProgress(live, update, at);
    // Throttle: IPC and React re-render cost per event; a 4 MiB-chunk writer would otherwise flood both.
    if (phaseChanged || at - live.lastEmit >= PROGRESS_INTERVAL_MS) this.emitUpdate(live);
  }

  private emitDetail(live: LiveTask): void {
    const { id, kind } = live.snapshot;
    this.events.emit({ type: 'task.detail', id, kind, result: live.result });
  }

  private emitUpdate(live: LiveTask): void {
    live.lastEmit = this.now();
    this.events.emit({ type: 'task.updated', task: live.snapshot });
  }

  private async finish(job: Job, state: TaskSnapshot['state'], error: TaskSnapshot['error']): Promise<void> {
    const { live, ctx } = job;
    if (state === 'succeeded') ctx.log('Done.');
    live.snapshot = { ...live.snapshot, state, error, endedAt: new Date(this.now()).toISOString() };
    // Stored before the task shows as ended, so whoever sees it end can read its result.
    const stored = await this.results.store(live.snapshot.id, live.result, job.options.storedResult);
    if (stored) ctx.log(stored, 'warn');
    await live.logWrites;
    this.live.delete(live.snapshot.id);
    // Free before anyone hears the task ended: a start made on that news must not find the keys still held.
    await job.release();
    this.finished.push(live.snapshot);
    if (live.result !== null) this.results.keep(live.snapshot.id, live.result);
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
    this.results.prune(this.finished);
    if (live.result !== null) this.emitDetail(live);
    this.emitUpdate(live);
  }
}
