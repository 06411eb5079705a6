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
}

const MAX_RETRY_WAIT_MS = 100;

/**
 * Runs `fn` while holding `<file>.lock` (a directory, created atomically by mkdir, so it works across processes and
 * on network file systems). A process that dies holding it leaves a lock that goes stale, so the next writer waits
 * at most `staleMs`, never for ever.
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = Math.max(options.staleMs ?? 10_000, 2000);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false, // the file may not exist yet
      stale: staleMs,
      update: staleMs / 2,
      // Wait a little longer than a stale lock lives, so a crashed holder's lock is always taken over in time.
      retries: {
        retries: Math.ceil((staleMs * 1.5) / MAX_RETRY_WAIT_MS) + 10,
        minTimeout: 5,
        maxTimeout: MAX_RETRY_WAIT_MS,
        factor: 1.5,
        randomize: true,
      },
      // The default throws from a timer and kills the process. The lock guards a few milliseconds of
      // read-merge-write, and the write itself is atomic, so losing it late costs nothing worth a crash.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED')
      throw new FileLockedError(file, { cause: error });
    throw error;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined); // already released, or taken over as stale: nothing left to undo
  }
}

/**
 * Claims `<file>.lock` for as long as a long run lasts, or answers null at once when another live process holds it.
 * The claim is refreshed while held, so it goes stale only when its holder died; call the result to let go.
 */
export async function claimFileLock(
  file: string,
  options: FileLockOptions = {},
): Promise<(() => Promise<void>) | null> {
  const staleMs = Math.max(options.staleMs ?? 10_000, 2000);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    const release = await lockfile.lock(file, {
      realpath: false,
      stale: staleMs,
      update: staleMs / 2,
      retries: 0,
      onCompromised: () => undefined,
    });
    return () => release().catch(() => undefined);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw error;
  }
}
