import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { TaskSnapshot } from '../contract/index.js';
import { CompanionError } from '../errors.js';
import { claimFileLock, isFileLocked } from '../store/index.js';

/** Why a claim was refused: the key, and the task of this process holding it (null: another process holds it). */
export interface ClaimRefusal {
  key: string;
  holderTaskId: string | null;
}

/**
 * A claim not refreshed for this long belongs to a process that died, and is taken over. Long runs refresh theirs every
 * half of it; long enough that a busy event loop never loses one, short enough that a crash costs half a minute.
 */
const CLAIM_STALE_MS = 30_000;

export type ClaimOutcome = { release: () => Promise<void> } | { refused: ClaimRefusal };

/**
 * The keys running tasks hold ("one run per host", "one per repository"). In this process a map answers at once;
 * across processes (the app and every `companion` command share the data folder) a lock file per key does, refreshed
 * while held and stale once its holder died, so a crash never leaves a key taken for good.
 */
export class TaskClaims {
  private readonly held = new Map<string, string>();

  constructor(private readonly locksDir: string | null) {}

  /** The task of this process holding `key`, if any. */
  holderOf(key: string): string | undefined {
    return this.held.get(key);
  }

  /** Whether another process holds `key` now. */
  async heldElsewhere(key: string): Promise<boolean> {
    if (!this.locksDir || this.held.has(key)) return false;
    return isFileLocked(join(this.locksDir, lockFileName(key)), { staleMs: CLAIM_STALE_MS });
  }

  /**
   * Claims every key for `taskId`, or none of them. `onLost` hears of a lock taken over as stale while still held
   * (this process was stalled past CLAIM_STALE_MS, e.g. suspended): the run goes on, but should say so.
   */
  async claim(
    taskId: string,
    keys: readonly string[],
    onLost: (key: string) => void = () => undefined,
  ): Promise<ClaimOutcome> {
    const unique = [...new Set(keys)];
    const taken = unique.find((key) => this.held.has(key));
    if (taken !== undefined) return { refused: { key: taken, holderTaskId: this.held.get(taken) ?? null } };
    // Held here before the first await, so a second start in this process is refused by the map, not by the lock.
    for (const key of unique) this.held.set(key, taskId);
    const releases: (() => Promise<void>)[] = [];
    const releaseAll = async () => {
      for (const key of unique) if (this.held.get(key) === taskId) this.held.delete(key);
      await Promise.all(releases.map((release) => release()));
    };
    try {
      for (const key of unique) {
        if (!this.locksDir) break;
        const release = await claimFileLock(join(this.locksDir, lockFileName(key)), {
          staleMs: CLAIM_STALE_MS,
          onCompromised: () => onLost(key),
        });
        if (!release) {
          await releaseAll();
          return { refused: { key, holderTaskId: null } };
        }
        releases.push(release);
      }
    } catch (error) {
      await releaseAll();
      throw error;
    }
    return { release: releaseAll };
  }
}

/** Any key becomes one safe file name (`/dev/sdb`, `repo:ssh://…`), and two keys never share one. */
function lockFileName(key: string): string {
  const readable = encodeURIComponent(key).replaceAll('.', '%2E');
  // File names end at 255 bytes; a long key (a repository URL) is named by its digest ('#' is never in the other form).
  return readable.length <= 200
    ? `task-${readable}`
    : `task-#sha256-${createHash('sha256').update(key).digest('hex')}`;
}

/** The refusal of a task whose start names no error of its own. */
export function taskBusyError(key: string, holder: TaskSnapshot | null): CompanionError {
  return new CompanionError(
    'task-busy',
    holder
      ? `"${holder.title}" is running and holds ${key}.`
      : `Another window of the app or a companion command is running a task that holds ${key}.`,
    'Wait for that task to finish or cancel it, then start this one again.',
  );
}
