import { closeSync, fstatSync, lstatSync, openSync, unlinkSync, type Stats } from 'node:fs';
import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { scrubDirectory } from './scrub-directory.js';
import { EUID, UntrustedSecretTempError } from './secret-temp-trust.js';
import { OPEN_TO_ZERO, zeroDescriptor, zeroDescriptorSync } from './zero-file.js';

export { UntrustedSecretTempError } from './secret-temp-trust.js';

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

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Opens a partial image to wipe it: null when there is none (gone, or a symlink or other thing, left alone); throws
 * UntrustedSecretTempError for a file that is not ours. `zero`: whether it is ours alone to overwrite (nlink 1).
 */
function openPartialImage(file: string): { fd: number; size: number; zero: boolean } | null {
  const seen = lstatOrNull(file);
  if (!seen?.isFile()) return null;
  if (seen.uid !== EUID) throw new UntrustedSecretTempError(file, `owned by uid ${seen.uid}, not ${EUID}`);
  const fd = openSync(file, OPEN_TO_ZERO);
  const info = fstatSync(fd);
  if (!info.isFile() || info.uid !== EUID) {
    closeSync(fd);
    throw new UntrustedSecretTempError(file, 'it was replaced while it was being checked');
  }
  // A second name means provisioning got as far as link(temp, dest): the data is the finished image, not a leftover.
  return { fd, size: info.size, zero: info.nlink === 1 };
}

/** Whether a secrets folder is there to scrub (a symlink or other thing at the path is left alone: never followed). */
function isDirectoryAt(file: string): boolean {
  return lstatOrNull(file)?.isDirectory() ?? false;
}

/**
 * Zeroes, then removes, a secret temp file or folder; already gone is fine, and a symlink or other thing found at
 * the path is left alone. Throws UntrustedSecretTempError, touching nothing, for what is not this user's alone.
 * `zero: false` only removes a file known to hold no secret yet. Returns whether anything was removed.
 */
export async function wipeSecretTemp(file: string, kind: SecretTempKind, zero = true): Promise<boolean> {
  if (kind === 'secret-dir') {
    if (!isDirectoryAt(file)) return false;
    scrubDirectory(file);
    return true;
  }
  const opened = openPartialImage(file);
  if (!opened) return false;
  try {
    if (zero && opened.zero) await zeroDescriptor(opened.fd, opened.size);
  } finally {
    closeSync(opened.fd);
  }
  await unlink(file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
  return true;
}

/** wipeSecretTemp for the moment the process exits, when nothing asynchronous runs any more. */
export function wipeSecretTempSync(file: string, kind: SecretTempKind): void {
  if (kind === 'secret-dir') {
    if (isDirectoryAt(file)) scrubDirectory(file);
    return;
  }
  const opened = openPartialImage(file);
  if (!opened) return;
  try {
    if (opened.zero) zeroDescriptorSync(opened.fd, opened.size);
  } finally {
    closeSync(opened.fd);
  }
  unlinkSync(file);
}
