import { constants } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Decompressor, spawnDecompressor } from '../../image/decompress-image-child.js';
import { decompressionFailure } from '../../image/decompress-image-failure.js';
import { ImageError } from '../../image/image-errors.js';
import type { ImageFormat } from '../../image/image-format.js';
import { findTool } from '../../tools/find-tool.js';
import { runToolOrThrow } from '../../tools/run-tool.js';
import { BLOCK_BYTES, alignedBlocks } from './aligned-buffers.js';
import { systemProgram } from './device-size.js';
import { CARD_UNUSABLE } from './flash-write-errors.js';
import { READ_HASH_WORKER, SLOT_FREE, type WorkerMessage } from './read-hash-worker.js';

/** Enough slots that the reader runs ahead while two writes are in flight. */
const SLOTS = 6;
// gzip too goes through its CLI rather than node:zlib, so every compressed format takes the same fast path.
const DECOMPRESS_ARGS: Record<Exclude<ImageFormat, 'raw'>, readonly string[]> = {
  zstd: ['-d', '-c', '-q', '--no-progress', '--long=31'],
  xz: ['-d', '-c', '-q', '-T0'],
  gzip: ['-d', '-c'],
};

export type SourceBlock = Extract<WorkerMessage, { kind: 'block' }>;
export type SourceEnd = Extract<WorkerMessage, { kind: 'end' }>;

/** The decompressed image as a sequence of page-aligned blocks, hashed on the way. */
export interface ImageSource {
  blocks: readonly Buffer[];
  /** The next block in order, or the end with the size and SHA-256 of everything read. */
  next(): Promise<SourceBlock | SourceEnd>;
  /** Hands a block's slot back to the reader once its bytes are no longer needed. */
  release(slot: number): void;
  /** After the end: throws the decompressor's complaint when it stopped early (damaged or truncated image). */
  assertComplete(size: number): Promise<void>;
  /** Stops everything (idempotent); pending next() calls reject. */
  close(): Promise<void>;
}

/**
 * The decompressor writes into a named pipe that the worker reads with large blocking reads. A named pipe because
 * Node cannot create an anonymous one whose raw descriptor a worker may read; it lives in a private temp folder and
 * is unlinked as soon as both ends are open.
 */
async function decompressorPipe(tool: string, args: readonly string[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'companion-flash-'));
  try {
    const fifo = path.join(dir, 'image');
    await runToolOrThrow(await systemProgram('mkfifo'), ['-m', '600', '--', fifo]);
    // Non-blocking first, so opening the write end cannot wait for a reader (and the reader for a writer).
    const probe = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeEnd = await open(fifo, constants.O_WRONLY);
    const child = spawnDecompressor(tool, args, writeEnd.fd);
    child.stdin.end(); // it reads the file named in args
    const readEnd = await open(fifo, constants.O_RDONLY);
    await Promise.all([probe.close(), writeEnd.close()]);
    return { child, readEnd };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function openImageSource(
  source: string,
  format: ImageFormat,
  hash = true,
): Promise<ImageSource> {
  let child: Decompressor | null = null;
  let input: FileHandle;
  if (format === 'raw') {
    input = await open(source, 'r');
  } else {
    const tool = await findTool(format);
    ({ child, readEnd: input } = await decompressorPipe(tool, [...DECOMPRESS_ARGS[format], '--', source]));
  }
  const { memory, blocks } = alignedBlocks(SLOTS, true);
  const control = new SharedArrayBuffer(SLOTS * 4);
  const state = new Int32Array(control);
  const worker = new Worker(READ_HASH_WORKER, {
    eval: true,
    workerData: { fd: input.fd, memory, control, slots: SLOTS, blockBytes: BLOCK_BYTES, hash },
  });
  const queue: (SourceBlock | SourceEnd)[] = [];
  let waiter: { resolve: (m: SourceBlock | SourceEnd) => void; reject: (e: unknown) => void } | null = null;
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    waiter?.reject(failure);
    waiter = null;
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.kind === 'error') {
      fail(Object.assign(new Error(`reading the image failed: ${message.message}`), { code: message.code }));
      return;
    }
    if (waiter) waiter.resolve(message);
    else queue.push(message);
    waiter = null;
  });
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('the image reader stopped')));
  let closed: Promise<void> | null = null;
  return {
    blocks,
    next() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    release(slot) {
      Atomics.store(state, slot, SLOT_FREE);
      Atomics.notify(state, slot);
    },
    async assertComplete(size) {
      if (!child) return;
      const exit = await child.exited;
      if (exit.code === 0) return;
      const error = decompressionFailure(format, exit.stderr || `stopped by ${exit.signal}`, size);
      // Its wording is about a file being written; here it is a card.
      const message = error.message.replace(/;? ?the partial output was removed\.$/, '.');
      throw new ImageError(error.code, `${message} ${CARD_UNUSABLE}`, error.hint);
    },
    close() {
      closed ??= (async () => {
        fail(new Error('the image reader was closed'));
        child?.stop();
        await worker.terminate(); // a read blocked on the pipe returns once the child is gone
        await child?.exited;
        await input.close();
      })();
      return closed;
    },
  };
}
