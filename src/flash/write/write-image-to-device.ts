import type { DeviceWriteResult } from '../../contract/index.js';
import { describeError } from '../../errors.js';
import {
  hasPartitionTableSignature,
  ImageError,
  type ImageFormat,
  sniffImageFormat,
  sniffImageFormatOfDescriptor,
} from '../../image/index.js';
import { assertDistinctDisks } from '../drives/same-disk.js';
import type { DeviceIdentity } from './device-identity.js';
import {
  checkDevices,
  closeTargets,
  eraseOldTables,
  finishTarget,
  live,
  openTargets,
  type Target,
} from './flash-targets.js';
import { CARD_UNUSABLE, deviceIoError, flashCancelled } from './flash-write-errors.js';
import { type ImageSource, openImageSource } from './image-source.js';
import { assertPartitionsFit, assertRawImageHoldsItsPartitions } from './image-extents.js';
import { decompressedImageSize } from '../../image/index.js';
import { streamBlocks } from './stream-blocks.js';
import { verifyTargets } from './verify-targets.js';

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
  /**
   * An open descriptor of `source` to read instead of opening the path again (the privileged writer's checked one).
   * Its offset must be 0: the decompressor reads it as stdin. (Only positional reads touch it before that.)
   */
  sourceFd?: number;
  /** With `sourceFd`: run the decompressor as this (invoking) user rather than as root. */
  decompressAs?: { uid: number; gid: number };
  /** Whole block devices (1–8: /dev/sdX, /dev/mmcblkN, /dev/rdiskN), already unmounted and approved. */
  devices: readonly string[];
  signal?: AbortSignal;
  /** At most ~10 calls a second per phase, plus one at the end of each. */
  onProgress?: (progress: FlashProgress) => void;
  /** Read the card back and compare. Default true. */
  verify?: boolean;
  /** The decompressed size when the caller knows it better than the file's own headers. */
  expectedSize?: number | null;
  /** Facts worth keeping in the task log, one line each. */
  log?: (line: string) => void;
  /**
   * What each device's path led to (its stat) when the safety policy approved it. The write is refused unless the
   * path, and the descriptor opened on it, still lead there. Devices left out are pinned by this call's own first look.
   */
  approvedDevices?: ReadonlyMap<string, DeviceIdentity>;
  /**
   * Runs for each device once its exclusive descriptor is open, before anything is written; throwing refuses the
   * write. For what only an open descriptor holds still (a loop device's backing file).
   */
  afterOpen?: (device: string) => Promise<void>;
  /** Test hook: runs after the last flush of each device (which still holds its exclusive claim), before verification. */
  afterWrite?: (info: { device: string; bytesWritten: number }) => Promise<void> | void;
}

/** How a (multi-)write ended: the image once, and each device. */
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
const mbps = (bytes: number, seconds: number) => (seconds > 0 ? (bytes / seconds / 1e6).toFixed(0) : '∞');

type ReportProgress = (phase: FlashProgress['phase'], done: number, force?: boolean) => void;

function throttled(
  onProgress: WriteImageToDeviceOptions['onProgress'],
  total: number | null,
): ReportProgress {
  let last = 0;
  return (phase: FlashProgress['phase'], done: number, force = false) => {
    const now = Date.now();
    if (!onProgress || (!force && now - last < PROGRESS_INTERVAL_MS)) return;
    last = now;
    onProgress({ phase, done, total, unit: 'bytes' });
  };
}

function devicesOf(options: WriteImageToDeviceOptions): string[] {
  const devices = [...options.devices];
  if (devices.length < 1 || devices.length > MAX_DEVICES)
    throw new Error(`writeImageToDevice needs 1 to ${MAX_DEVICES} devices, got ${devices.length}`);
  // /dev/disk4 and /dev/rdisk4 are one card: two writers on it would interleave two copies of the image.
  assertDistinctDisks(devices);
  return devices;
}

/**
 * Everything before the first byte goes out: the format and size, the image's own partition table, the devices
 * (still the ones approved, each big enough), then each opened exclusively with its old partition tables erased.
 */
async function prepareDevices(
  options: WriteImageToDeviceOptions,
  devices: readonly string[],
  signal: AbortSignal,
) {
  const { source } = options;
  // With a descriptor, its bytes decide the format: the path may lead elsewhere by now (and could be a FIFO).
  const format =
    options.sourceFd === undefined
      ? await sniffImageFormat(source)
      : await sniffImageFormatOfDescriptor(options.sourceFd, source);
  // Given (even as null, "unknown"), the file is not probed: the privileged writer does not run zstd -l as root.
  const total =
    options.expectedSize !== undefined ? options.expectedSize : await decompressedImageSize(source, format);
  if (format === 'raw') await assertRawImageHoldsItsPartitions(source, options.sourceFd);
  const checked = await checkDevices(devices, total, options.approvedDevices);
  if (signal.aborted) throw flashCancelled();
  const targets = await openTargets(checked, options.afterOpen);
  await eraseOldTables(targets).catch(async (error: unknown) => {
    await closeTargets(targets);
    throw error;
  });
  return { format, total, targets };
}

/** Refuses an image without a partition table, or one whose partitions overrun it, before its first MiB goes on. */
function assertBootableHead(streamed: { head: Buffer; size: number }): void {
  if (streamed.size === 0 || !hasPartitionTableSignature(streamed.head)) {
    throw new ImageError(
      'image-no-partition-table',
      `The decompressed image has no MBR or GPT partition table, so it was not made bootable. ${CARD_UNUSABLE}`,
      'Use a whole-disk image (a NixOS sdImage: result/sd-image/*.img.zst).',
    );
  }
  // Sizes known only now (gzip) get the check here, while the card still lacks its first MiB and so never boots.
  assertPartitionsFit(streamed.head, streamed.size, `The first MiB was not written. ${CARD_UNUSABLE}`);
}

/** Reads every live device back against the source; returns the seconds it took. */
async function verifyWritten(
  options: WriteImageToDeviceOptions,
  targets: readonly Target[],
  image: { format: ImageFormat; sha256: string; bytes: number; signal: AbortSignal },
  report: ReportProgress,
): Promise<number> {
  const { source, log = () => {} } = options;
  const { format, sha256, bytes: written, signal } = image;
  const verifyStarted = performance.now();
  const context = {
    source,
    format,
    sha256,
    bytes: written,
    signal,
    ...(options.sourceFd === undefined ? {} : { sourceFd: options.sourceFd }),
    ...(options.decompressAs ? { decompressAs: options.decompressAs } : {}),
  };
  await verifyTargets(live(targets), context, (done) => report('verifying', done), log);
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  if (live(targets).length === 0) throw (targets[0] as Target).failure;
  report('verifying', written, true);
  log(
    `Verified ${written} bytes in ${verifySeconds.toFixed(2)} s (${mbps(written, verifySeconds)} MB/s): ` +
      targets.map((t) => `${t.device} ${t.verified ? 'match' : 'FAILED'}`).join(', '),
  );
  return verifySeconds;
}

function batchResult(
  targets: readonly Target[],
  batch: { written: number; sha256: string; verified: boolean; writeSeconds: number; verifySeconds: number },
): WriteImageToDeviceResult {
  const { written, writeSeconds, verifySeconds } = batch;
  return {
    bytesWritten: written,
    sourceSha256: batch.sha256,
    verified: batch.verified,
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
}

/**
 * Writes a disk image onto one or more whole block devices and (by default) reads each back to prove it. The source
 * is read and decompressed once and every block goes to every device. The first MiB goes on last, after a flush, so
 * an interrupted card never looks bootable. Refuses before writing when the image is known not to fit any one of the
 * devices (all or none: a partial batch would surprise). Once writing has begun, a device that fails is reported
 * failed in `devices` while the others go on; when every device failed, the first one's error is thrown (so a
 * single-device write fails with its card's own error). Every such failure says the card is unusable until flashed again.
 */
export async function writeImageToDevice(
  options: WriteImageToDeviceOptions,
): Promise<WriteImageToDeviceResult> {
  const { source, log = () => {} } = options;
  const devices = devicesOf(options);
  const signal = options.signal ?? new AbortController().signal;
  const { format, total, targets } = await prepareDevices(options, devices, signal);
  const report = throttled(options.onProgress, total);
  const names = targets.map((t) => `${t.device} (${t.capacity} bytes)`).join(', ');
  log(`Flashing ${source} (${format}, ${total ?? 'unknown'} bytes) to ${names}`);

  let image: ImageSource | null = null;
  const stop = () => void image?.close();
  signal.addEventListener('abort', stop, { once: true });
  // Progress is the slowest live device: the batch is done when the last card is.
  const slowest = () => Math.min(...live(targets).map((t) => t.written), Number.MAX_SAFE_INTEGER);
  try {
    const started = performance.now();
    image = await openImageSource(source, format, {
      ...(options.sourceFd === undefined ? {} : { sourceFd: options.sourceFd, sourceFdAtStart: true }),
      ...(options.decompressAs ? { decompressAs: options.decompressAs } : {}),
    });
    if (signal.aborted) throw flashCancelled();
    const streamed = await streamBlocks(image, targets, () => report('writing', slowest()));
    await image.assertComplete(streamed.size);
    assertBootableHead(streamed);
    await Promise.all(live(targets).map((t) => finishTarget(t, streamed.head, streamed.size, targets)));
    const written = streamed.size;
    report('writing', written, true);
    const writeSeconds = (performance.now() - started) / 1000;
    log(`Wrote ${written} bytes in ${writeSeconds.toFixed(2)} s (${mbps(written, writeSeconds)} MB/s)`);
    log(`Source SHA-256 ${streamed.sha256}`);
    for (const t of live(targets)) await options.afterWrite?.({ device: t.device, bytesWritten: written });
    let verifySeconds = 0;
    if (options.verify === false) log('Verification skipped');
    else
      verifySeconds = await verifyWritten(
        options,
        targets,
        { format, sha256: streamed.sha256, bytes: written, signal },
        report,
      );
    return batchResult(targets, {
      written,
      sha256: streamed.sha256,
      verified: options.verify !== false,
      writeSeconds,
      verifySeconds,
    });
  } catch (error) {
    if (signal.aborted) throw flashCancelled();
    const first = targets[0] as Target;
    if (error === first.failure) throw error;
    throw deviceIoError(first.device, first.written, first.capacity, error);
  } finally {
    signal.removeEventListener('abort', stop);
    await image?.close();
    // Only now, with verification over, does each card's exclusive claim end.
    await closeTargets(targets);
  }
}
