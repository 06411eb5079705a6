import { alignedBlocks } from './aligned-buffers.js';
import type { DeviceIdentity } from './device-identity.js';
import { DeviceWriter } from './device-writer.js';
import { deviceIoError } from './flash-write-errors.js';
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

export const live = (targets: readonly Target[]): Target[] => targets.filter((t) => t.failure === null);

/** A device failing stops that device only; when none is left, the whole write fails with the first error. */
export function failTarget(target: Target, error: unknown, targets: readonly Target[]): void {
  target.failure ??= deviceIoError(target.device, target.written, target.capacity, error);
  if (live(targets).length === 0) throw (targets[0] as Target).failure;
}

/** Opens every device exclusively, each refused unless its descriptor leads where its checked path did. */
export async function openTargets(checked: ReadonlyMap<string, CheckedDevice>): Promise<Target[]> {
  const targets: Target[] = [];
  try {
    for (const [device, { capacity, identity }] of checked) {
      const writer = await DeviceWriter.open(device, identity);
      targets.push({ device, capacity, writer, written: 0, failure: null, verified: false });
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
 * A reused card still carries its old partition table (and a GPT's backup copy at the end) until our first MiB lands
 * last; an interrupted write would leave that old table pointing into half-written data, so the card could still
 * look bootable. Blank both ends, flushed, before the image starts.
 */
export async function eraseOldTables(targets: readonly Target[]): Promise<void> {
  const zeros = (alignedBlocks(1, false).blocks[0] as Buffer).subarray(0, HELD_BACK_BYTES).fill(0);
  for (const target of targets) {
    try {
      await target.writer.write(zeros, 0);
      const tail = Math.floor((target.capacity - HELD_BACK_BYTES) / 4096) * 4096;
      if (tail >= HELD_BACK_BYTES) await target.writer.write(zeros.subarray(0, target.capacity - tail), tail);
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
