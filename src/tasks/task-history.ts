import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LogLine, TaskSnapshot } from '../contract/index.js';
import { CompanionError } from '../errors.js';
import { withFileLock, writeFileAtomically } from '../store/index.js';

const INTERRUPTED = {
  code: 'interrupted',
  message: 'The app exited while this task was running.',
  hint: 'Read the log to see how far it got, then run it again.',
};

/** A run still marked running or queued when this process started was cut off by a crash or quit. */
function asInterrupted(task: TaskSnapshot): TaskSnapshot {
  return task.state === 'running' || task.state === 'queued'
    ? { ...task, state: 'failed', error: INTERRUPTED, endedAt: task.endedAt ?? task.startedAt }
    : task;
}

/** The task history could not be written (a full or read-only data folder); the tasks themselves are unaffected. */
export class TaskHistoryError extends CompanionError {
  constructor(file: string, cause: unknown) {
    super(
      'task-history-save-failed',
      `Could not save the task history to ${file}: ${(cause as Error).message ?? String(cause)}.`,
      'Free some space in the app data folder (or make it writable); this run is missing from the saved history.',
      { cause },
    );
  }
}

/** Keeps the last N task snapshots and each task's log on disk, so a user can read what happened after a restart. */
export class TaskHistory {
  private readonly dir: string;
  private readonly indexFile: string;
  private writing: Promise<void> = Promise.resolve();
  /** Entries read at start-up: they belong to earlier runs or to other processes, which may still update them. */
  private loadedIds = new Set<string>();
  /** Every entry that is not this process's own (see merge). */
  private readonly theirs = new Set<string>();

  constructor(
    dataDir: string,
    private limit: number,
  ) {
    this.dir = join(dataDir, 'tasks');
    this.indexFile = join(this.dir, 'history.json');
  }

  logFileOf(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  private resultFileOf(id: string): string {
    return join(this.dir, `${id}.result.json`);
  }

  setLimit(limit: number): void {
    this.limit = limit;
  }

  /** Loads past runs; a run still marked running was cut off by a crash or quit, and says so. */
  async load(): Promise<TaskSnapshot[]> {
    let raw: string;
    try {
      raw = await readFile(this.indexFile, 'utf8');
    } catch {
      return [];
    }
    const parsed = TaskSnapshot.array().safeParse(safeJson(raw));
    if (!parsed.success) return [];
    this.loadedIds = new Set(parsed.data.map((task) => task.id));
    for (const id of this.loadedIds) this.theirs.add(id);
    return parsed.data.map(asInterrupted);
  }

  /**
   * Saves this process's view of the history, merged with what other processes (the app and any `companion`
   * command share the folder) saved meanwhile: under a lock, the file is re-read; tasks this process runs or ran
   * replace their entries, every other entry on disk is kept as it is there. `clear` empties it for everyone.
   * Returns the merged history, oldest first.
   */
  async save(tasks: TaskSnapshot[], { clear = false } = {}): Promise<TaskSnapshot[]> {
    let result: TaskSnapshot[] = [];
    const write = async () => {
      try {
        await withFileLock(this.indexFile, async () => {
          const onDisk = await this.readIndex();
          const merged = clear ? tasks : this.merge(onDisk, tasks);
          const kept = merged.slice(-this.limit);
          // Pruned and cleared entries take their files along; a run still going keeps writing its log.
          const dropped = clear
            ? onDisk.filter((task) => task.state !== 'running')
            : merged.slice(0, merged.length - kept.length);
          await writeFileAtomically(this.indexFile, JSON.stringify(kept, null, 1));
          await Promise.all(dropped.map((task) => this.removeFilesOf(task.id)));
          // What was running before we started shows as cut off, as at load; newer runs of others show live.
          result = kept.map((task) => (this.loadedIds.has(task.id) ? asInterrupted(task) : task));
        });
      } catch (error) {
        throw new TaskHistoryError(this.indexFile, error);
      }
    };
    // Serialise writes: two tasks ending together must not race their renames.
    this.writing = this.writing.then(write, write);
    await this.writing;
    return result;
  }

  /**
   * Ours over theirs. An entry first seen on disk (loaded at start-up, or written by another process) is theirs for
   * good: it stays as its owner last wrote it, and is not brought back once the owner's limit dropped it.
   */
  private merge(onDisk: TaskSnapshot[], ours: TaskSnapshot[]): TaskSnapshot[] {
    const incoming = new Set(ours.map((task) => task.id));
    for (const task of onDisk) if (!incoming.has(task.id)) this.theirs.add(task.id);
    const byId = new Map(onDisk.map((task) => [task.id, task]));
    for (const task of ours) if (!this.theirs.has(task.id)) byId.set(task.id, task);
    return [...byId.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  private async readIndex(): Promise<TaskSnapshot[]> {
    const raw = await readFile(this.indexFile, 'utf8').catch(() => '[]');
    const parsed = TaskSnapshot.array().safeParse(safeJson(raw));
    return parsed.success ? parsed.data : [];
  }

  private async removeFilesOf(id: string): Promise<void> {
    await Promise.all([rm(this.logFileOf(id), { force: true }), rm(this.resultFileOf(id), { force: true })]);
  }

  /** Keeps a finished task's result next to its log (0600: results name files and fingerprints, not secrets). */
  async saveResult(id: string, result: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomically(this.resultFileOf(id), JSON.stringify(result));
  }

  /** A saved result as stored, unchecked (the caller knows its kind's schema); null when there is none. */
  async readResult(id: string): Promise<unknown> {
    const raw = await readFile(this.resultFileOf(id), 'utf8').catch(() => null);
    return raw === null ? null : (safeJson(raw) ?? null);
  }

  async appendLog(id: string, line: LogLine): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await appendFile(this.logFileOf(id), `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  async readLog(id: string): Promise<LogLine[]> {
    let raw: string;
    try {
      raw = await readFile(this.logFileOf(id), 'utf8');
    } catch {
      return [];
    }
    return raw
      .split('\n')
      .filter(Boolean)
      .flatMap((text) => {
        const line = LogLine.safeParse(safeJson(text));
        return line.success ? [line.data] : [];
      });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
