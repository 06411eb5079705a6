import { type FileHandle, open, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { CancelledError } from '../errors.js';
import { findTool } from '../tools/index.js';
import { decompressArgs } from './decompress-args.js';
import { spawnDecompressor } from './decompress-image-child.js';
import { decompressionFailure, zlibFailure } from './decompress-image-failure.js';
import { FlushBehind } from './decompress-image-flush.js';
import { type FollowedFile, followAndHash } from './decompress-image-follow.js';
import { openChildInput, streamInput } from './decompress-image-input.js';
import { ImageSink } from './decompress-image-sink.js';
import { ImageError, formatSize, imageAccessError } from './image-errors.js';
import {
  type ImageFormat,
  detectImageFormat,
  hasPartitionTableSignature,
  sniffImageFormat,
} from './image-format.js';

export interface WriteImageProgress {
  /** Bytes of the source file read so far. */
  readBytes: number;
  /** Size of the source file: readBytes / totalBytes is the fraction done. */
  totalBytes: number;
  /** Bytes of the (decompressed) image written so far. */
  writtenBytes: number;
}

export interface WriteImageOptions {
  /** A raw or compressed disk image; the format is sniffed from its bytes. */
  source: string;
  /** Must not exist: created with O_EXCL and mode 0600 (use a temp name next to the final one). */
  dest: string;
  signal?: AbortSignal;
  /** At most ~10 calls a second, plus one at the end. */
  onProgress?: (progress: WriteImageProgress) => void;
  /** fsync before returning, for callers that rename the result into place. Default false. */
  sync?: boolean;
  /**
   * Flush to disk behind the decompressor while it writes, for callers that fsync the result later anyway: the
   * final fsync then has little left to do. Default false.
   */
  writeBack?: boolean;
  /** false: skip hashing while writing (zstd/xz), for callers that change the image and hash it afterwards. */
  hash?: boolean;
}

export interface WriteImageResult {
  format: ImageFormat;
  bytesWritten: number;
  /** Hex SHA-256 of the written, decompressed image; null when `hash: false` skipped it. */
  sha256: string | null;
}

interface Job {
  format: ImageFormat;
  /** Absolute path of zstd/xz; null for the in-process formats. */
  tool: string | null;
  dest: string;
  handle: FileHandle;
  source: string;
  signal: AbortSignal;
  onRead: (bytes: number) => void;
  onWritten: (bytes: number) => void;
  hash: boolean;
}

const PROGRESS_INTERVAL_MS = 100;
const NO_SPACE = /no space left|disk quota exceeded/i;

async function createDest(dest: string): Promise<FileHandle> {
  try {
    return await open(dest, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ImageError(
        'image-dest-exists',
        `${dest} already exists; it was left untouched.`,
        'Choose another output file, or remove that one first.',
        { cause: error },
      );
    }
    throw error;
  }
}

function diskFull(dest: string, written: number, cause?: unknown): ImageError {
  return new ImageError(
    'image-disk-full',
    `The disk holding ${dest} filled up after ${formatSize(written)} of the image; the partial file was removed.`,
    'Free some space there (NixOS images grow to a few GiB once decompressed), or pick another folder.',
    { cause },
  );
}

/**
 * zstd/xz read the source and write straight into dest while this process hashes the file behind them: the bytes
 * never cross a JS stream (64 KiB pipe reads were the bottleneck). The child's verdict outranks EPIPE on its stdin.
 */
async function throughChild(job: Job & { format: 'zstd' | 'xz'; tool: string }): Promise<FollowedFile> {
  const input = await openChildInput(job.source, job.onRead);
  const child = spawnDecompressor(
    job.tool,
    decompressArgs(job.format, { sparse: true }),
    job.handle.fd,
    input.fd,
  );
  let feedFailure: unknown = null;
  const stop = () => {
    child.stop();
    input.stream?.destroy();
  };
  job.signal.addEventListener('abort', stop, { once: true });
  try {
    const feeding = input.stream
      ? pipeline(input.stream, child.stdin!).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') feedFailure ??= error;
          child.stop();
        })
      : null;
    const exited = Promise.all([child.exited, feeding]).then(([exit]) => exit);
    const following = followAndHash(job.dest, exited, {
      signal: job.signal,
      onAdvance: (bytes) => {
        input.poll();
        job.onWritten(bytes);
      },
      hash: job.hash,
    });
    // Wait for both whatever fails: the child must be gone before dest is removed and the caller hears back.
    const [outcome, exit] = await Promise.all([
      following.then(
        (followed) => ({ followed }),
        (error: unknown) => {
          stop();
          return { error };
        },
      ),
      exited,
    ]);
    if (job.signal.aborted) throw job.signal.reason;
    if ('error' in outcome) throw outcome.error;
    const { followed } = outcome;
    if (exit.code !== 0 && exit.signal === null) {
      if (NO_SPACE.test(exit.stderr)) throw diskFull(job.dest, followed.size);
      throw decompressionFailure(job.format, exit.stderr, followed.size);
    }
    if (feedFailure) throw feedFailure;
    if (exit.code !== 0)
      throw decompressionFailure(job.format, `${job.format} was stopped by ${exit.signal}`, followed.size);
    input.poll();
    return followed;
  } finally {
    job.signal.removeEventListener('abort', stop);
    await input.close();
  }
}

/** raw and gzip stay in-process: a stream copy, or node:zlib (which inflates off the main thread). */
async function throughSink(job: Job): Promise<FollowedFile> {
  const sink = new ImageSink(job.handle, { onWritten: job.onWritten });
  const input = streamInput(job.source, job.onRead).stream!;
  try {
    if (job.format === 'raw') await pipeline(input, sink, { signal: job.signal });
    else await pipeline(input, createGunzip({ chunkSize: 1024 * 1024 }), sink, { signal: job.signal });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_')) throw zlibFailure(error as NodeJS.ErrnoException, sink.written);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw diskFull(job.dest, sink.written, error);
    throw error;
  }
  return { size: sink.written, sha256: sink.sha256, head: sink.head };
}

/** The decompressed bytes must start like a disk, or whatever comes next would misread them. */
function assertDiskImage(head: Buffer, size: number, format: ImageFormat): void {
  if (hasPartitionTableSignature(head)) return;
  let what = 'it has neither an MBR nor a GPT partition table';
  try {
    const inner = detectImageFormat(head, size, 'The decompressed data');
    if (inner !== 'raw') what = `it is ${inner}-compressed a second time`;
  } catch (error) {
    // "… is not a disk image: this looks like an HTML page." → "it looks like an HTML page"
    const looks = error instanceof ImageError ? /this looks like (.*)\.$/.exec(error.message) : null;
    if (looks) what = `it looks like ${looks[1]}`;
  }
  throw new ImageError(
    'image-no-partition-table',
    `The ${format} file decompressed fine, but the result is not a disk image: ${what}.`,
    'Use a whole-disk image (a NixOS sdImage: result/sd-image/*.img.zst).',
  );
}

/**
 * Decompresses (or copies) `source` into a new file `dest` and hashes what was written. On any failure or cancel,
 * `dest` — which this function created — is removed and nothing usable is left; an existing `dest` is refused and
 * never touched. Zero blocks become holes, so dest is sparse.
 */
export async function writeImageTo(options: WriteImageOptions): Promise<WriteImageResult> {
  const { source, dest, onProgress } = options;
  const signal = options.signal ?? new AbortController().signal;
  const format = await sniffImageFormat(source);
  const totalBytes = await stat(source).then(
    (s) => s.size,
    (error: unknown) => Promise.reject(imageAccessError(source, error)),
  );
  // Before dest exists: a missing decompressor must not leave an empty file behind.
  const tool = format === 'zstd' || format === 'xz' ? await findTool(format) : null;
  if (signal.aborted) throw new CancelledError('Writing the image was cancelled.');
  const handle = await createDest(dest);
  const flush = options.writeBack ? new FlushBehind(handle) : null;
  const progress = { readBytes: 0, totalBytes, writtenBytes: 0 };
  let lastReport = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
    lastReport = now;
    onProgress({ ...progress });
  };
  try {
    const onRead = (bytes: number) => (progress.readBytes = bytes);
    const onWritten = (bytes: number) => {
      progress.writtenBytes = bytes;
      flush?.advance(bytes);
      report(false);
    };
    const job: Job = {
      format,
      tool,
      dest,
      handle,
      source,
      signal,
      onRead,
      onWritten,
      hash: options.hash ?? true,
    };
    const run =
      tool && (format === 'zstd' || format === 'xz')
        ? throughChild({ ...job, format, tool })
        : throughSink(job);
    const written = await run.catch((error: unknown) => {
      if (signal.aborted)
        throw new CancelledError('Writing the image was cancelled; the partial file was removed.');
      // Only a failure to read the source is about the user's image file; the rest passes through as is.
      const onSource = (error as NodeJS.ErrnoException | null)?.path === source;
      throw onSource ? imageAccessError(source, error) : error;
    });
    await flush?.settle().catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      throw code === 'ENOSPC' || code === 'EDQUOT' ? diskFull(dest, written.size, error) : error;
    });
    assertDiskImage(written.head, written.size, format);
    if (options.sync) await handle.sync();
    await handle.close();
    report(true);
    return { format, bytesWritten: written.size, sha256: written.sha256 || null };
  } catch (error) {
    await flush?.settle().catch(() => {}); // no flush may still use the descriptor when it closes
    await handle.close().catch(() => {});
    await rm(dest, { force: true });
    throw error;
  }
}
