import {
  closeSync,
  constants,
  fsyncSync,
  fstatSync,
  openSync,
  readdirSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { chmod, mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompanionError, InvalidRequestError } from '../errors.js';

const CHUNK = 64 * 1024;

// Directories still in use, scrubbed on process exit too: a task cancelled by Ctrl-C must not leave keys in /tmp.
const live = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of live) {
      try {
        scrubDirectory(dir);
      } catch {
        // Exiting anyway; nothing left to report to.
      }
    }
  });
}

/**
 * Overwrites a regular file in place with zeros of its own length and flushes them, so the secret does not survive
 * in the freed blocks (best effort: SSDs and copy-on-write filesystems may keep old copies elsewhere).
 */
export function overwriteWithZeros(file: string): void {
  // O_NOFOLLOW: never write zeros through a symlink someone planted in the directory.
  const fd = openSync(file, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    const { size } = fstatSync(fd);
    const zeros = Buffer.alloc(Math.min(size, CHUNK));
    for (let pos = 0; pos < size; pos += CHUNK) writeSync(fd, zeros, 0, Math.min(CHUNK, size - pos), pos);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Zeroes and unlinks every regular file under `dir`, then removes the tree. Synchronous so it also runs on exit. */
export function scrubDirectory(dir: string): void {
  let firstError: unknown = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) scrubDirectory(full);
      else {
        if (entry.isFile()) overwriteWithZeros(full);
        unlinkSync(full);
      }
    } catch (error) {
      firstError ??= error;
    }
  }
  try {
    rmdirSync(dir);
  } catch (error) {
    firstError ??= error;
    rmSync(dir, { recursive: true, force: true });
  }
  if (firstError) throw firstError;
}

/**
 * Runs `fn` with a fresh private (0700) temp directory for secrets; whatever way `fn` ends, every file in it is
 * overwritten with zeros, fsynced and unlinked, and the directory removed.
 */
export async function withSecureTempDir<T>(
  fn: (dir: string) => Promise<T>,
  options: { parent?: string } = {},
): Promise<T> {
  const dir = await mkdtemp(path.join(options.parent ?? tmpdir(), 'companion-secret-'));
  live.add(dir);
  installExitHook();
  let result: T;
  try {
    // mkdtemp already uses 0700 on Linux and macOS; say so explicitly rather than trust every platform's libuv.
    await chmod(dir, 0o700);
    result = await fn(dir);
  } catch (error) {
    try {
      scrubDirectory(dir);
    } catch {
      // The original failure matters more; scrubDirectory removed what it could.
    }
    throw error;
  } finally {
    live.delete(dir);
  }
  try {
    scrubDirectory(dir);
  } catch (error) {
    throw new CompanionError(
      'secure-temp-cleanup-failed',
      `Could not wipe the temporary secrets folder ${dir}.`,
      'Delete that folder yourself; it may still hold key material.',
      { cause: error },
    );
  }
  return result;
}

/** Writes a secret into `dir` as a new file readable only by this user (0600); refuses to replace an existing file. */
export async function writeSecretFile(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new InvalidRequestError(`"${name}" is not a plain file name.`);
  }
  const file = path.join(dir, name);
  // 'wx' = O_CREAT | O_EXCL: fails if anything (even a dangling symlink) is already there.
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // the umask may have removed bits we need; it never adds any
    await handle.writeFile(bytes);
  } finally {
    await handle.close();
  }
  return file;
}
