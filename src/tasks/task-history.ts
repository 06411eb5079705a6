import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LogLine, TaskSnapshot } from '../contract/index.js';
import { CompanionError } from '../errors.js';
import { writeFileAtomically } from '../store/atomic-file.js';

const INTERRUPTED = {
  code: 'interrupted',
  message: 'The app exited while this task was running.',
  hint: 'Read the log to see how far it got, then run it again.',
};

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
    return parsed.data.map((task) =>
      task.state === 'running' || task.state === 'queued'
        ? { ...task, state: 'failed' as const, error: INTERRUPTED, endedAt: task.endedAt ?? task.startedAt }
        : task,
    );
  }

  async save(tasks: TaskSnapshot[]): Promise<TaskSnapshot[]> {
    const kept = tasks.slice(-this.limit);
    const dropped = tasks.slice(0, Math.max(0, tasks.length - kept.length));
    const write = async () => {
      try {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await writeFileAtomically(this.indexFile, JSON.stringify(kept, null, 1));
        await Promise.all(dropped.map((task) => rm(this.logFileOf(task.id), { force: true })));
      } catch (error) {
        throw new TaskHistoryError(this.indexFile, error);
      }
    };
    // Serialise writes: two tasks ending together must not race their renames.
    this.writing = this.writing.then(write, write);
    await this.writing;
    return kept;
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
