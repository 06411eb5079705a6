import path from 'node:path';
import { FlashError } from '../flash-errors.js';

/**
 * The one name a disk goes by, whichever node was given: macOS has a buffered /dev/diskN and a raw /dev/rdiskN for
 * every disk (and slice), so /dev/rdisk4 is /dev/disk4. Other paths come back normalised but otherwise unchanged.
 */
export function canonicalDiskPath(device: string): string {
  return path.posix.normalize(device).replace(/^\/dev\/rdisk(\d+(?:s\d+)*)$/, '/dev/disk$1');
}

/** The first disk a list names twice, as its two spellings, or null when every entry is a different disk. */
export function findRepeatedDisk(devices: readonly string[]): { first: string; again: string } | null {
  const seen = new Map<string, string>();
  for (const device of devices) {
    const key = canonicalDiskPath(device);
    const first = seen.get(key);
    if (first !== undefined) return { first, again: device };
    seen.set(key, device);
  }
  return null;
}

/** Refuses a request naming one disk twice: two writers on one card would interleave two copies of the image. */
export function assertDistinctDisks(devices: readonly string[]): void {
  const repeated = findRepeatedDisk(devices);
  if (repeated) throw repeatedDisk(repeated.first, repeated.again);
}

/** Said when two names in one request lead to the same disk. */
export function repeatedDisk(first: string, again: string): FlashError {
  const names = first === again ? `${first} is named twice` : `${first} and ${again} are the same disk`;
  return new FlashError(
    'flash-device-repeated',
    `${names} in one write; nothing was written.`,
    'Pick each card once.',
  );
}
