import { describeError } from '../../errors.js';
import { hasPartitionTableSignature, type ImageFormat, sniffImageFormat } from '../../image/image-format.js';
import { ImageError } from '../../image/image-errors.js';
import { alignedBlocks } from './aligned-buffers.js';
import { deviceSize } from './device-size.js';
import { DeviceWriter } from './device-writer.js';
import {
  CARD_UNUSABLE,
  deviceIoError,
  deviceTooSmall,
  flashCancelled,
  verifyFailed,
} from './flash-write-errors.js';
import { HELD_BACK_BYTES, planBlock } from './held-back-head.js';
import { type ImageSource, openImageSource } from './image-source.js';
import { decompressedImageSize } from './image-size.js';
import { dropDeviceCache, findFirstMismatch, readBackSha256 } from './verify-device.js';

export interface FlashProgress {
  phase: 'writing' | 'verifying';
  done: number;
  /** Decompressed image bytes when known, else null. */
  total: number | null;
  unit: 'bytes';
}

export interface WriteImageToDeviceOptions {
  /** .img, .img.zst, .img.xz or .img.gz; the format is sniffed from its bytes. */
  source: string;
  /** One whole block device (/dev/sdX, /dev/mmcblkN, /dev/rdiskN), already unmounted and approved. */
  device?: string;
  /** Several such devices (1–8) written from one read of the source; used instead of `device`. */
  devices?: readonly string[];
  signal?: AbortSignal;
  /** At most ~10 calls a second per phase, plus one at the end of each. */
  onProgress?: (progress: FlashProgress) => void;
  /** Read the card back and compare. Default true. */
  verify?: boolean;
  /** The decompressed size when the caller knows it better than the file's own headers. */
  expectedSize?: number;
  /** Facts worth keeping in the task log, one line each. */
  log?: (line: string) => void;
  /** Test hook: runs after the last flush of each device, before verification. */
  afterWrite?: (info: { device: string; bytesWritten: number }) => Promise<void> | void;
}

/** How one device of a (multi-)write ended. */
export interface DeviceWriteResult {
  device: string;
  ok: boolean;
  bytesWritten: number;
  verified: boolean;
  error?: { code: string; message: string; hint: string };
}

export interface WriteImageToDeviceResult {
  /** The decompressed image's size: what every successful device holds. */
  bytesWritten: number;
  /** Hex SHA-256 of the decompressed image as read from the source while writing. */
  sourceSha256: string;
  /** Every device that succeeded was verified. */
  verified: boolean;
  writeSeconds: number;
  verifySeconds: number;
  /** One entry per device, in the order asked. */
  devices: DeviceWriteResult[];
}

/** Most devices one write feeds: each costs a descriptor, writes in flight and a read-back. */
export const MAX_DEVICES = 8;
const PROGRESS_INTERVAL_MS = 100;
/** Writes in flight at once: one being written while the next is queued keeps the card busy. */
const MAX_IN_FLIGHT = 2;
const mbps = (bytes: number, seconds: number) => (seconds > 0 ? (bytes / seconds / 1e6).toFixed(0) : '∞');

function throttled(onProgress: WriteImageToDeviceOptions['onProgress'], total: number | null) {
  let last = 0;
  return (phase: FlashProgress['phase'], done: number, force = false) => {
    const now = Date.now();
    if (!onProgress || (!force && now - last < PROGRESS_INTERVAL_MS)) return;
    last = now;
    onProgress({ phase, done, total, unit: 'bytes' });
  };
}

/** One device being written: its own descriptor, progress and (once it failed) the mapped error. */
interface Target {
  device: string;
  capacity: number;
  writer: DeviceWriter;
  written: number;
  failure: unknown;
  verified: boolean;
}

const live = (targets: readonly Target[]) => targets.filter((t) => t.failure === null);

/** A device failing stops that device only; when none is left, the whole write fails with the first error. */
function failTarget(target: Target, error: unknown, targets: readonly Target[]): void {
  target.failure ??= deviceIoError(target.device, target.written, target.capacity, error);
  if (live(targets).length === 0) throw (targets[0] as Target).failure;
}

/**
 * Streams every block but the held-back head to every live device; returns the head, the size and the hash. Each
 * block is read and decompressed once, and its slot is released once all devices have it.
 */
async function streamBlocks(
  image: ImageSource,
  targets: readonly Target[],
  onWritten: () => void,
): Promise<{ head: Buffer; size: number; sha256: string }> {
  // Page-aligned like the rest, so the head can go through O_DIRECT too.
  const head = (alignedBlocks(1, false).blocks[0] as Buffer).subarray(0, HELD_BACK_BYTES).fill(0);
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown = null;
  for (;;) {
    if (fatal) throw fatal;
    const block = await image.next();
    if (block.kind === 'end') {
      await Promise.all(inFlight);
      if (fatal) throw fatal;
      return {
        head: head.subarray(0, Math.min(block.size, HELD_BACK_BYTES)),
        size: block.size,
        sha256: block.sha256,
      };
    }
    const data = (image.blocks[block.slot] as Buffer).subarray(0, block.length);
    const plan = planBlock(block.offset, block.length);
    if (plan.hold) data.copy(head, plan.hold.at, plan.hold.from, plan.hold.to);
    if (!plan.write) {
      image.release(block.slot);
      continue;
    }
    const { from, to, at } = plan.write;
    const end = block.offset + block.length;
    const writes = live(targets).map((target) =>
      target.writer.write(data.subarray(from, to), at).then(
        () => void (target.written = Math.max(target.written, end)),
        (error: unknown) => {
          try {
            failTarget(target, error, targets);
          } catch (last) {
            fatal ??= last;
          }
        },
      ),
    );
    const write: Promise<void> = Promise.all(writes)
      .then(onWritten)
      .finally(() => {
        image.release(block.slot);
        inFlight.delete(write);
      });
    inFlight.add(write);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
}

/** Flushes the body, writes the held-back head, flushes again and closes: the device is bootable only after this. */
async function finishTarget(target: Target, head: Buffer, size: number, targets: readonly Target[]) {
  try {
    await target.writer.sync();
    await target.writer.write(head, 0);
    await target.writer.sync();
    target.written = size;
  } catch (error) {
    failTarget(target, error, targets);
  } finally {
    await target.writer.close();
  }
}

/** Reads one device back and compares with the source's hash; a mismatch marks that device failed. */
async function verifyTarget(
  target: Target,
  context: { source: string; format: ImageFormat; sha256: string; bytes: number; signal: AbortSignal },
  onProgress: (done: number) => void,
  log: (line: string) => void,
): Promise<void> {
  const { device } = target;
  try {
    if (!(await dropDeviceCache(device)))
      log(`Could not drop the cache of ${device}; reading back with O_DIRECT where possible`);
    const { signal, bytes } = context;
    const readBack = await readBackSha256(device, bytes, { signal, onProgress });
    if (readBack === context.sha256) {
      target.verified = true;
      return;
    }
    const offset = await findFirstMismatch(context.source, context.format, device, bytes, signal);
    log(
      `Verification of ${device} FAILED: SHA-256 ${readBack}, first difference at ${offset ?? 'unknown offset'}`,
    );
    target.failure = verifyFailed(device, offset);
  } catch (error) {
    if (context.signal.aborted) throw error;
    target.failure = deviceIoError(device, target.written, target.capacity, error);
  }
}

async function openTargets(sizes: ReadonlyMap<string, number>): Promise<Target[]> {
  const targets: Target[] = [];
  try {
    for (const [device, capacity] of sizes) {
      const writer = await DeviceWriter.open(device);
      targets.push({ device, capacity, writer, written: 0, failure: null, verified: false });
    }
    return targets;
  } catch (error) {
    // Nothing has been written yet: refuse the whole write rather than flash only some of the cards.
    await Promise.allSettled(targets.map((t) => t.writer.close()));
    throw error;
  }
}

/**
 * A reused card still carries its old partition table (and a GPT's backup copy at the end) until our first MiB lands
 * last; an interrupted write would leave that old table pointing into half-written data, so the card could still
 * look bootable. Blank both ends, flushed, before the image starts.
 */
async function eraseOldTables(targets: readonly Target[]): Promise<void> {
  const zeros = (alignedBlocks(1, false).blocks[0] as Buffer).subarray(0, HELD_BACK_BYTES).fill(0);
  for (const target of targets) {
    await target.writer.write(zeros, 0);
    const tail = Math.floor((target.capacity - HELD_BACK_BYTES) / 4096) * 4096;
    if (tail >= HELD_BACK_BYTES) await target.writer.write(zeros.subarray(0, target.capacity - tail), tail);
    await target.writer.sync();
  }
}

function devicesOf(options: WriteImageToDeviceOptions): string[] {
  const devices = [...(options.devices ?? (options.device === undefined ? [] : [options.device]))];
  if (devices.length < 1 || devices.length > MAX_DEVICES || new Set(devices).size !== devices.length)
    throw new Error(`writeImageToDevice needs 1 to ${MAX_DEVICES} distinct devices, got ${devices.length}`);
  return devices;
}

/**
 * Writes a disk image onto one or more whole block devices and (by default) reads each back to prove it. The source
 * is read and decompressed once and every block goes to every device. The first MiB goes on last, after a flush, so
 * an interrupted card never looks bootable. Refuses before writing when the image is known not to fit any one of the
 * devices (all or none: a partial batch would surprise). Once writing has begun, a device that fails is reported
 * failed in `devices` while the others go on; when every device failed, the first one's error is thrown (so a
 * single-device write behaves as before). Every such failure says the card is unusable until flashed again.
 */
export async function writeImageToDevice(
  options: WriteImageToDeviceOptions,
): Promise<WriteImageToDeviceResult> {
  const { source, log = () => {} } = options;
  const devices = devicesOf(options);
  const signal = options.signal ?? new AbortController().signal;
  const format = await sniffImageFormat(source);
  const total = options.expectedSize ?? (await decompressedImageSize(source, format));
  const sizes = new Map<string, number>();
  for (const device of devices) {
    const capacity = await deviceSize(device);
    if (total !== null && total > capacity) throw deviceTooSmall(device, total, capacity);
    sizes.set(device, capacity);
  }
  if (signal.aborted) throw flashCancelled();
  const report = throttled(options.onProgress, total);
  const targets = await openTargets(sizes);
  await eraseOldTables(targets).catch(async (error: unknown) => {
    await Promise.allSettled(targets.map((t) => t.writer.close()));
    throw error;
  });
  const names = targets.map((t) => `${t.device} (${t.capacity} bytes)`).join(', ');
  log(`Flashing ${source} (${format}, ${total ?? 'unknown'} bytes) to ${names}`);

  let image: ImageSource | null = null;
  const stop = () => void image?.close();
  signal.addEventListener('abort', stop, { once: true });
  // Progress is the slowest live device: the batch is done when the last card is.
  const slowest = () => Math.min(...live(targets).map((t) => t.written), Number.MAX_SAFE_INTEGER);
  try {
    const started = performance.now();
    image = await openImageSource(source, format);
    if (signal.aborted) throw flashCancelled();
    const streamed = await streamBlocks(image, targets, () => report('writing', slowest()));
    await image.assertComplete(streamed.size);
    if (streamed.size === 0 || !hasPartitionTableSignature(streamed.head)) {
      throw new ImageError(
        'image-no-partition-table',
        `The decompressed image has no MBR or GPT partition table, so it was not made bootable. ${CARD_UNUSABLE}`,
        'Use a whole-disk image (a NixOS sdImage: result/sd-image/*.img.zst).',
      );
    }
    await Promise.all(live(targets).map((t) => finishTarget(t, streamed.head, streamed.size, targets)));
    const written = streamed.size;
    report('writing', written, true);
    const writeSeconds = (performance.now() - started) / 1000;
    log(`Wrote ${written} bytes in ${writeSeconds.toFixed(2)} s (${mbps(written, writeSeconds)} MB/s)`);
    log(`Source SHA-256 ${streamed.sha256}`);
    for (const t of live(targets)) await options.afterWrite?.({ device: t.device, bytesWritten: written });
    let verifySeconds = 0;
    if (options.verify === false) log('Verification skipped');
    else {
      const verifyStarted = performance.now();
      const context = { source, format, sha256: streamed.sha256, bytes: written, signal };
      const checking = live(targets);
      const done = checking.map(() => 0);
      await Promise.all(
        checking.map((t, i) =>
          verifyTarget(
            t,
            context,
            (n) => {
              done[i] = n;
              report('verifying', Math.min(...done));
            },
            log,
          ),
        ),
      );
      verifySeconds = (performance.now() - verifyStarted) / 1000;
      if (live(targets).length === 0) throw (targets[0] as Target).failure;
      report('verifying', written, true);
      log(
        `Verified ${written} bytes in ${verifySeconds.toFixed(2)} s (${mbps(written, verifySeconds)} MB/s): ` +
          targets.map((t) => `${t.device} ${t.verified ? 'match' : 'FAILED'}`).join(', '),
      );
    }
    return {
      bytesWritten: written,
      sourceSha256: streamed.sha256,
      verified: options.verify !== false,
      writeSeconds,
      verifySeconds,
      devices: targets.map((t) => ({
        device: t.device,
        ok: t.failure === null,
        bytesWritten: t.written,
        verified: t.verified,
        ...(t.failure === null ? {} : { error: describeError(t.failure) }),
      })),
    };
  } catch (error) {
    if (signal.aborted) throw flashCancelled();
    const first = targets[0] as Target;
    if (error === first.failure) throw error;
    throw deviceIoError(first.device, first.written, first.capacity, error);
  } finally {
    signal.removeEventListener('abort', stop);
    await image?.close();
    await Promise.allSettled(targets.map((t) => t.writer.close()));
  }
}
