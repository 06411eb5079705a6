import {
  closeSync,
  constants,
  fsyncSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { lstat, open, unlink } from 'node:fs/promises';
import path from 'node:path';

const CHUNK = 1024 * 1024;

/** The temporary things that hold secrets, each with the only names the app ever gives them. */
export type SecretTempKind = 'partial-image' | 'secret-dir';

const NAMES: Record<SecretTempKind, RegExp> = {
  // provisionImage's `<dest>.partial-<8 hex>`: the image while the host key and Wi-Fi password go in.
  'partial-image': /^.+\.partial-[0-9a-f]{8}$/,
  // withSecureTempDir's mkdtemp folder.
  'secret-dir': /^companion-secret-[A-Za-z0-9]{6}$/,
};

/** Whether `file` is absolute and named as the app names a `kind`: a sweep never touches anything else. */
export function isSecretTempName(file: string, kind: SecretTempKind): boolean {
  return path.isAbsolute(file) && NAMES[kind].test(path.basename(file));
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

/** overwriteWithZeros without blocking the event loop: a partial image is gigabytes. */
async function overwriteWithZerosAsync(file: string): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    const { size } = await handle.stat();
    const zeros = Buffer.alloc(Math.min(size, CHUNK));
    for (let pos = 0; pos < size; pos += CHUNK)
      await handle.write(zeros, 0, Math.min(CHUNK, size - pos), pos);
    await handle.sync();
  } finally {
    await handle.close();
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

type Found = 'gone' | 'wrong-type' | 'linked-file' | 'file' | 'dir';

function classify(
  info: { isFile(): boolean; isDirectory(): boolean; nlink: number } | null,
  kind: SecretTempKind,
): Found {
  if (!info) return 'gone';
  if (kind === 'secret-dir') return info.isDirectory() ? 'dir' : 'wrong-type';
  if (!info.isFile()) return 'wrong-type';
  // A second name means provisioning got as far as link(temp, dest): the data is the finished image, not a leftover.
  return info.nlink > 1 ? 'linked-file' : 'file';
}

const missing = (error: unknown) => {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw error;
};

/**
 * Zeroes, then removes, a secret temp file or folder; already gone is fine, and a symlink or other thing found at
 * the path is left alone (lstat: never followed). `zero: false` only removes a file known to hold no secret yet.
 * Returns whether anything was removed.
 */
export async function wipeSecretTemp(file: string, kind: SecretTempKind, zero = true): Promise<boolean> {
  const found = classify(await lstat(file).catch(missing), kind);
  if (found === 'gone' || found === 'wrong-type') return false;
  if (found === 'dir') scrubDirectory(file);
  else {
    if (found === 'file' && zero) await overwriteWithZerosAsync(file);
    await unlink(file).catch(missing);
  }
  return true;
}

/** wipeSecretTemp for the moment the process exits, when nothing asynchronous runs any more. */
export function wipeSecretTempSync(file: string, kind: SecretTempKind): void {
  let info;
  try {
    info = lstatSync(file);
  } catch (error) {
    info = missing(error);
  }
  const found = classify(info, kind);
  if (found === 'dir') scrubDirectory(file);
  if (found === 'file') overwriteWithZeros(file);
  if (found === 'file' || found === 'linked-file') unlinkSync(file);
}
