import type { Stats } from 'node:fs';
import { FlashError } from '../flash-errors.js';
import { CARD_UNUSABLE } from './flash-write-errors.js';

/** What a path named when it was looked at: the device number for a disk node, the inode for a plain file. */
export interface DeviceIdentity {
  kind: 'block' | 'character' | 'file' | 'other';
  rdev: number;
  dev: number;
  ino: number;
}

export function identityOf(stats: Stats): DeviceIdentity {
  const kind = stats.isBlockDevice()
    ? 'block'
    : stats.isCharacterDevice()
      ? 'character'
      : stats.isFile()
        ? 'file'
        : 'other';
  return { kind, rdev: stats.rdev, dev: stats.dev, ino: stats.ino };
}

/** Two looks name the same disk: a device node by its device number (any node for it will do), a file by inode. */
export function sameDevice(a: DeviceIdentity, b: DeviceIdentity): boolean {
  if (a.kind !== b.kind || a.kind === 'other') return false;
  return a.kind === 'file' ? a.dev === b.dev && a.ino === b.ino : a.rdev === b.rdev;
}

/** "block device 7:0" (Linux dev_t: major in bits 8–19 and above 32, minor in bits 0–7 and 20–31). */
function describeIdentity(id: DeviceIdentity): string {
  if (id.kind === 'file') return `file ${id.dev}:${id.ino}`;
  if (id.kind === 'other') return 'neither a disk nor a file';
  const major = ((id.rdev >> 8) & 0xfff) | (Math.floor(id.rdev / 2 ** 32) & ~0xfff);
  const minor = (id.rdev & 0xff) | ((id.rdev >> 12) & 0xfff00);
  return process.platform === 'linux'
    ? `${id.kind} device ${major}:${minor}`
    : `${id.kind} device ${id.rdev}`;
}

/**
 * Refuses a descriptor that does not lead where the checked path led: a /dev node swapped (or a card replaced by
 * another that took its name) between the safety check and the open would otherwise be written unchecked.
 */
export function assertSameDevice(
  device: string,
  approved: DeviceIdentity,
  opened: DeviceIdentity,
  writing: boolean,
): void {
  if (sameDevice(approved, opened)) return;
  const after = writing ? CARD_UNUSABLE : 'Nothing was written.';
  throw new FlashError(
    'flash-device-changed',
    `${device} is no longer the disk that was checked (it was ${describeIdentity(approved)}, it is now ${describeIdentity(opened)}). ${after}`,
    'The card may have been removed and another device took its name: pick the card again from the list.',
  );
}
