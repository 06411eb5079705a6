import { closeSync, constants, fstatSync, fsync, fsyncSync, openSync, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';

const CHUNK = 1024 * 1024;
const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);

/**
 * How a wipe opens a file to zero it: never through a symlink planted at the last name, and without blocking on a
 * FIFO or taking a terminal put there instead (the caller checks with fstat what it actually got).
 */
export const OPEN_TO_ZERO =
  constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Overwrites the file open at `fd` in place with `size` zeros and flushes them, so the secret does not survive in
 * the freed blocks (best effort: SSDs and copy-on-write filesystems may keep old copies elsewhere).
 */
export function zeroDescriptorSync(fd: number, size: number): void {
  const zeros = Buffer.alloc(Math.min(size, CHUNK));
  for (let pos = 0; pos < size; pos += CHUNK) writeSync(fd, zeros, 0, Math.min(CHUNK, size - pos), pos);
  fsyncSync(fd);
}

/** zeroDescriptorSync without blocking the event loop: a partial image is gigabytes. */
export async function zeroDescriptor(fd: number, size: number): Promise<void> {
  const zeros = Buffer.alloc(Math.min(size, CHUNK));
  for (let pos = 0; pos < size; pos += CHUNK)
    await writeAsync(fd, zeros, 0, Math.min(CHUNK, size - pos), pos);
  await fsyncAsync(fd);
}

/** Overwrites a regular file in place with zeros of its own length and flushes them (see zeroDescriptorSync). */
export function overwriteWithZeros(file: string): void {
  const fd = openSync(file, OPEN_TO_ZERO);
  try {
    zeroDescriptorSync(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}
