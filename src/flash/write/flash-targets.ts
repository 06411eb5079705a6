import { stat } from 'node:fs/promises';
import { repeatedDisk } from '../drives/same-disk.js';
import { alignedBlocks } from './aligned-buffers.js';
import { assertSameDevice, type DeviceIdentity, identityOf, sameDevice } from './device-identity.js';
import { deviceSize } from '../../image/index.js';
import { DeviceWriter } from './device-writer.js';
import { deviceIoError, deviceTooSmall } from './flash-write-errors.js';
import { HELD_BACK_BYTES } from './held-back-head.js';

/** One device being written: its own descriptor, progress and (once it failed) the mapped error. */
export interface Target {
  device: string;
  capacity: number;
  writer: DeviceWriter;
  written: number;
  failure: unknown;
  verified: boolean;
}

/** What each device was found to be before writing: its size, and what its path led to when it was checked. */
export interface CheckedDevice {
  capacity: number;
  identity: DeviceIdentity;
}

/**
 * Sizes and identities before anything is written. Refuses a path that no longer leads where it did when it was
 * approved, and two paths leading to one disk (a /dev/disk/by-id link beside its /dev/sdX).
 */
export async function checkDevices(
  devices: readonly string[],
  total: number | null,
  approved: ReadonlyMap<string, DeviceIdentity> | undefined,
): Promise<Map<string, CheckedDevice>> {
  const checked = new Map<string, CheckedDevice>();
  for (const device of devices) {
    const now = identityOf(await stat(device));
    const identity = approved?.get(device) ?? now;
    assertSameDevice(device, identity, now, false);
    const twin = [...checked].find(([, other]) => sameDevice(other.identity, identity));
    if (twin) throw repeatedDisk(twin[0], device);
    const capacity = await deviceSize(device);
    if (total !== null && total > capacity) throw deviceTooSmall(device, total, capacity);
    checked.set(device, { capacity, identity });
  }
  return checked;
}

export const live = (targets: readonly Target[]): Target[] => targets.filter((t) => t.failure === null);

/** A device failing stops that device only; when none is left, the whole write fails with the first error. */
export function failTarget(target: Target, error: unknown, targets: readonly Target[]): void {
  target.failure ??= deviceIoError(target.device, target.written, target.capacity, error);
  if (live(targets).length === 0) throw (targets[0] as Target).failure;
}

/**
 * Opens every device exclusively, each refused unless its descriptor leads where its checked path did and
 * `afterOpen` (run with the descriptor open) accepts it.
 */
export async function openTargets(
  checked: ReadonlyMap<string, CheckedDevice>,
  afterOpen?: (device: string) => Promise<void>,
): Promise<Target[]> {
  const targets: Target[] = [];
  try {
    for (const [device, { capacity, identity }] of checked) {
      const writer = await DeviceWriter.open(device, identity);
      targets.push({ device, capacity, writer, written: 0, failure: null, verified: false });
      await afterOpen?.(device);
    }
    return targets;
  } catch (error) {
    // Nothing has been written yet: refuse the whole write rather than flash only some of the cards.
    await closeTargets(targets);
    throw error;
  }
}

export async function closeTargets(targets: readonly Target[]): Promise<void> {
  await Promise.allSettled(targets.map((t) => t.writer.close()));
}

/**
 * Where the tail blank starts and how long it is: the last MiB, from a 4 KiB boundary so most of it can go through
 * O_DIRECT, through the very last byte. A backup GPT sits in the last 33 sectors, which on a card whose size is not a
 * multiple of 4 KiB lie past the last whole 4 KiB block. Null when the head blank already covers the device.
 */
export function tailBlank(capacity: number): { at: number; length: number } | null {
  const at = Math.max(HELD_BACK_BYTES, Math.floor((capacity - HELD_BACK_BYTES) / 4096) * 4096);
  return at < capacity ? { at, length: capacity - at } : null;
}

/**
 * A reused card still carries its old partition table (and a GPT's backup copy at the end) until our first MiB lands
 * last; an interrupted write would leave that old table pointing into half-written data, so the card could still
 * look bootable. Blank both ends, flushed, before the image starts.
 */
export async function eraseOldTables(targets: readonly Target[]): Promise<void> {
  // One aligned block: the tail blank can be up to 4 KiB longer than the MiB held back at the head.
  const zeros = (alignedBlocks(1, false).blocks[0] as Buffer).fill(0);
  for (const target of targets) {
    try {
      await target.writer.write(zeros.subarray(0, Math.min(HELD_BACK_BYTES, target.capacity)), 0);
      const tail = tailBlank(target.capacity);
      if (tail) await target.writer.write(zeros.subarray(0, tail.length), tail.at);
      await target.writer.sync();
    } catch (error) {
      throw deviceIoError(target.device, target.written, target.capacity, error);
    }
  }
}

/**
 * Flushes the body, writes the held-back head and flushes again: the device is bootable only after this. The
 * descriptor stays open, and with it the exclusive claim, until verification is done.
 */
export async function finishTarget(target: Target, head: Buffer, size: number, targets: readonly Target[]) {
  try {
    await target.writer.sync();
    await target.writer.write(head, 0);
    await target.writer.sync();
    target.written = size;
  } catch (error) {
    failTarget(target, error, targets);
  }
}
