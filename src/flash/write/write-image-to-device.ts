import { hasPartitionTableSignature, sniffImageFormat } from '../../image/image-format.js';
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
  /** The whole block device (/dev/sdX, /dev/mmcblkN, /dev/rdiskN), already unmounted and approved. */
  device: string;
  signal?: AbortSignal;
  /** At most ~10 calls a second per phase, plus one at the end of each. */
  onProgress?: (progress: FlashProgress) => void;
  /** Read the card back and compare. Default true. */
  verify?: boolean;
  /** The decompressed size when the caller knows it better than the file's own headers. */
  expectedSize?: number;
  /** Facts worth keeping in the task log, one line each. */
  log?: (line: string) => void;
  /** Test hook: runs after the last flush, before verification. */
  afterWrite?: (info: { device: string; bytesWritten: number }) => Promise<void> | void;
}

export interface WriteImageToDeviceResult {
  bytesWritten: number;
  /** Hex SHA-256 of the decompressed image as read from the source while writing. */
  sourceSha256: string;
  verified: boolean;
  writeSeconds: number;
  verifySeconds: number;
}

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

/** Streams every block but the held-back head to the device; returns the head, the size and the hash. */
async function streamBlocks(
  image: ImageSource,
  writer: DeviceWriter,
  onWritten: (bytes: number) => void,
): Promise<{ head: Buffer; size: number; sha256: string }> {
  // Page-aligned like the rest, so the head can go through O_DIRECT too.
  const head = (alignedBlocks(1, false).blocks[0] as Buffer).subarray(0, HELD_BACK_BYTES).fill(0);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  for (;;) {
    if (failure) throw failure;
    const block = await image.next();
    if (block.kind === 'end') {
      await Promise.all(inFlight);
      if (failure) throw failure;
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
    const write: Promise<void> = writer
      .write(data.subarray(from, to), at)
      .then(
        () => onWritten(block.offset + block.length),
        (error: unknown) => void (failure ??= error),
      )
      .finally(() => {
        image.release(block.slot);
        inFlight.delete(write);
      });
    inFlight.add(write);
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
}

/**
 * Writes a disk image onto a whole block device and (by default) reads it back to prove it. The first MiB goes on
 * last, after a flush, so an interrupted card never looks bootable. Refuses before writing when the image is known
 * not to fit. Every failure after the first write says the card is unusable until flashed again.
 */
export async function writeImageToDevice(
  options: WriteImageToDeviceOptions,
): Promise<WriteImageToDeviceResult> {
  const { source, device, log = () => {} } = options;
  const signal = options.signal ?? new AbortController().signal;
  const format = await sniffImageFormat(source);
  const total = options.expectedSize ?? (await decompressedImageSize(source, format));
  const capacity = await deviceSize(device);
  if (total !== null && total > capacity) throw deviceTooSmall(device, total, capacity);
  if (signal.aborted) throw flashCancelled();
  const report = throttled(options.onProgress, total);
  log(`Flashing ${source} (${format}, ${total ?? 'unknown'} bytes) to ${device} (${capacity} bytes)`);

  const writer = await DeviceWriter.open(device);
  let image: ImageSource | null = null;
  let written = 0;
  const stop = () => void image?.close();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const started = performance.now();
    image = await openImageSource(source, format);
    if (signal.aborted) throw flashCancelled();
    const streamed = await streamBlocks(image, writer, (bytes) => {
      written = Math.max(written, bytes);
      report('writing', written);
    });
    await image.assertComplete(streamed.size);
    if (streamed.size === 0 || !hasPartitionTableSignature(streamed.head)) {
      throw new ImageError(
        'image-no-partition-table',
        `The decompressed image has no MBR or GPT partition table, so it was not made bootable. ${CARD_UNUSABLE}`,
        'Use a whole-disk image (a NixOS sdImage: result/sd-image/*.img.zst).',
      );
    }
    await writer.sync();
    await writer.write(streamed.head, 0);
    await writer.sync();
    written = streamed.size;
    report('writing', written, true);
    const writeSeconds = (performance.now() - started) / 1000;
    log(`Wrote ${written} bytes in ${writeSeconds.toFixed(2)} s (${mbps(written, writeSeconds)} MB/s)`);
    log(`Source SHA-256 ${streamed.sha256}`);
    await writer.close();
    await options.afterWrite?.({ device, bytesWritten: written });
    if (options.verify === false) {
      log('Verification skipped');
      return {
        bytesWritten: written,
        sourceSha256: streamed.sha256,
        verified: false,
        writeSeconds,
        verifySeconds: 0,
      };
    }
    const verifyStarted = performance.now();
    if (!(await dropDeviceCache(device)))
      log('Could not drop the device cache; reading back with O_DIRECT where possible');
    const onProgress = (done: number) => report('verifying', done);
    const readBack = await readBackSha256(device, written, { signal, onProgress });
    if (readBack !== streamed.sha256) {
      const offset = await findFirstMismatch(source, format, device, written, signal);
      log(
        `Verification FAILED: device SHA-256 ${readBack}, first difference at ${offset ?? 'unknown offset'}`,
      );
      throw verifyFailed(device, offset);
    }
    report('verifying', written, true);
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    log(
      `Verified ${written} bytes in ${verifySeconds.toFixed(2)} s (${mbps(written, verifySeconds)} MB/s): match`,
    );
    return {
      bytesWritten: written,
      sourceSha256: streamed.sha256,
      verified: true,
      writeSeconds,
      verifySeconds,
    };
  } catch (error) {
    if (signal.aborted) throw flashCancelled();
    throw deviceIoError(device, written, capacity, error);
  } finally {
    signal.removeEventListener('abort', stop);
    await image?.close();
    await writer.close();
  }
}
