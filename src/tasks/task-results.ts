import {
  isTaskKind,
  taskResults,
  type TaskKind,
  type TaskResult,
  type TaskResultCarrier,
  type TaskSnapshot,
} from '../contract/index.js';
import { describeError } from '../errors.js';
import type { Redactor } from './redactor.js';
import type { TaskHistory } from './task-history.js';

/** A value checked against its kind's schema; a result that does not fit it is a bug in the task, not user input. */
export function checkedResult<K extends TaskKind>(kind: K, value: unknown): TaskResult<K> {
  const parsed = taskResults[kind].safeParse(value);
  if (!parsed.success)
    throw new Error(`The ${kind} task made a result that does not fit its schema: ${parsed.error.message}`);
  return parsed.data as TaskResult<K>;
}

/** Every string in a result masked as the task's log is: a secret that slipped into a result never leaves it. */
export function redactDeep<T>(value: T, redactor: Redactor): T {
  if (typeof value === 'string') return redactor.apply(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redactor)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactDeep(item, redactor)]),
    ) as T;
  return value;
}

/**
 * Finished tasks' results: this process's own in memory (whole, as the task made them), everyone else's read from the
 * history (as stored, which may leave out what must not rest on disk) and checked against their kind's schema.
 */
export class FinishedResults {
  private readonly own = new Map<string, unknown>();

  constructor(private readonly history: TaskHistory) {}

  /** Writes a result next to its task's log; answers a note for the log when it could not be written. */
  async store(
    id: string,
    result: unknown,
    storedForm?: (result: unknown) => unknown,
  ): Promise<string | null> {
    try {
      await this.history.saveResult(id, storedForm ? storedForm(result) : result);
      return null;
    } catch (error) {
      return `The result could not be kept with the history: ${describeError(error).message}`;
    }
  }

  keep(id: string, result: unknown): void {
    this.own.set(id, result);
  }

  /** Forgets results of tasks no longer in the history. */
  prune(finished: readonly TaskSnapshot[]): void {
    const ids = new Set(finished.map((task) => task.id));
    for (const id of this.own.keys()) if (!ids.has(id)) this.own.delete(id);
  }

  ownResult(task: TaskSnapshot): TaskResultCarrier | null {
    return this.own.has(task.id) ? { id: task.id, kind: task.kind, result: this.own.get(task.id) } : null;
  }

  async read(task: TaskSnapshot): Promise<TaskResultCarrier> {
    const carrier = { id: task.id, kind: task.kind, result: null as unknown };
    if (this.own.has(task.id)) return { ...carrier, result: this.own.get(task.id) };
    if (!isTaskKind(task.kind)) return carrier;
    const parsed = taskResults[task.kind].safeParse(await this.history.readResult(task.id));
    return parsed.success ? { ...carrier, result: parsed.data } : carrier;
  }
}
