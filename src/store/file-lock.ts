import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { CompanionError } from '../errors.js';

/** Another process held a file's lock for longer than a stale lock may live, so this change was not made. */
export class FileLockedError extends CompanionError {
  constructor(file: string, options?: { cause?: unknown }) {
    super(
      'file-locked',
      `${file} is locked by another process of the app and stayed locked; nothing was changed.`,
      'Try again in a moment. If it keeps happening, make sure no other copy of the app or "companion" is stuck, then retry.',
      options,
    );
  }
}

export interface FileLockOptions {
  /** A lock not refreshed for this long belongs to a crashed process and is taken over. Default 10 s, at least 2 s. */
  staleMs?: number;
  /** Called when another process took the lock over as stale while this one still held it. */
  onCompromised?: () => void;
}

const MAX_RETRY_WAIT_MS = 100;

/**
 * Takes `<file>.lock` (a directory, created atomically by mkdir, so it works across processes and on network file
 * systems), refreshed while held so it goes stale only when its holder died. Null when another live process holds it
 * after `retries`.
 */
async function acquire(
  file: string,
  staleMs: number,
  retries: lockfile.LockOptions['retries'],
  onCompromised: () => void = () => undefined,
): Promise<(() => Promise<void>) | null> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    const release = await lockfile.lock(file, {
      realpath: false, // the file may not exist yet
      stale: staleMs,
      update: staleMs / 2,
      retries,
      // The default throws from a timer and kills the process. What a lock guards is written atomically, so losing
      // it late costs nothing worth a crash; a long claim's holder is told.
      onCompromised,
    });
    return () => release().catch(() => undefined); // already released, or taken over as stale: nothing to undo
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw error;
  }
}

const staleMsOf = (options: FileLockOptions) => Math.max(options.staleMs ?? 10_000, 2000);

/**
 * Runs `fn` while holding `<file>.lock`. A process that dies holding it leaves a lock that goes stale, so the next
 * writer waits at most `staleMs`, never for ever.
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = staleMsOf(options);
  // Wait a little longer than a stale lock lives, so a crashed holder's lock is always taken over in time.
  const release = await acquire(file, staleMs, {
    retries: Math.ceil((staleMs * 1.5) / MAX_RETRY_WAIT_MS) + 10,
    minTimeout: 5,
    maxTimeout: MAX_RETRY_WAIT_MS,
    factor: 1.5,
    randomize: true,
  });
  if (!release) throw new FileLockedError(file);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** Whether a live process holds `<file>.lock` now (a lock older than `staleMs` is a dead holder's: not held). */
export async function isFileLocked(file: string, options: FileLockOptions = {}): Promise<boolean> {
  return lockfile.check(file, { realpath: false, stale: staleMsOf(options) }).catch(() => false);
}

/**
 * Claims `<file>.lock` for as long as a long run lasts, or answers null at once when another live process holds it.
 * Call the result to let go.
 */
export function claimFileLock(
  file: string,
  options: FileLockOptions = {},
): Promise<(() => Promise<void>) | null> {
  return acquire(file, staleMsOf(options), 0, options.onCompromised);
}
