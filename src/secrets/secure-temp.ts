import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompanionError, InvalidRequestError } from '../errors.js';
import { holdSecretTemp } from '../tasks/index.js';
import { parentUnsafe } from './secret-temp-trust.js';

/**
 * Runs `fn` with a fresh private (0700) temp directory for secrets; whatever way `fn` ends, every file in it is
 * overwritten with zeros, fsynced and unlinked, and the directory removed.
 */
export async function withSecureTempDir<T>(
  fn: (dir: string) => Promise<T>,
  options: { parent?: string } = {},
): Promise<T> {
  const dir = await mkdtemp(path.join(options.parent ?? tmpdir(), 'companion-secret-'));
  // The wipe refuses a folder others could swap out (see scrubDirectory): find that out before any secret goes in.
  const unsafe = parentUnsafe(dir);
  if (unsafe) {
    await rm(dir, { recursive: true, force: true });
    throw new CompanionError(
      'secure-temp-unsafe-folder',
      `Will not put secrets in ${dir}: ${unsafe}.`,
      'Point TMPDIR at a folder only you can write to (or at /tmp), then try again.',
    );
  }
  // Listed (in the journal too) until wiped, so exit, a fatal signal or the next start-up wipes it if we cannot.
  const release = await holdSecretTemp(dir, 'secret-dir').catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true }); // still empty
    throw error;
  });
  let result: T;
  try {
    // mkdtemp already uses 0700 on Linux and macOS; say so explicitly rather than trust every platform's libuv.
    await chmod(dir, 0o700);
    result = await fn(dir);
  } catch (error) {
    await release().catch(() => undefined); // the original failure matters more; the exit hook tries again
    throw error;
  }
  try {
    await release();
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
