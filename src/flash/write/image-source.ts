import { type FileHandle, open } from 'node:fs/promises';
import { MessageChannel, Worker } from 'node:worker_threads';
import {
  decompressArgs,
  decompressionFailure,
  type Decompressor,
  ImageError,
  type ImageFormat,
} from '../../image/index.js';
import { findTool } from '../../tools/index.js';
import { BLOCK_BYTES, alignedBlocks } from './aligned-buffers.js';
import { type Pump, decompressorPipe } from './decompressor-pipe.js';
import { CARD_UNUSABLE } from './flash-write-errors.js';
import {
  HASH_WORKER,
  NEEDS_WRITE,
  READ_WORKER,
  releaseSlot,
  type WorkerMessage,
} from './read-hash-worker.js';

/** How long close() waits for the reader thread to notice; see close(). */
const TERMINATE_WAIT_MS = 3000;
/** Enough slots that the reader runs ahead while two writes are in flight. */
const SLOTS = 6;

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
 * The decompressed image as blocks. With `sourceFd` (an open descriptor of `source`, still owned by the caller) the
 * bytes come from that descriptor, never from the path again: the privileged writer checked that descriptor, and a
 * path can be swapped for another file between a check and an open.
 */
export interface ImageSourceOptions {
  /** SHA-256 every byte on the way (default true). */
  hash?: boolean;
  /** An open descriptor of the source, read instead of the path (see above). */
  sourceFd?: number;
  /**
   * The descriptor's offset is still 0 (nothing read it sequentially yet): the decompressor then reads it directly
   * as its stdin, the fast way. Otherwise it is fed by positional reads (a second pass, such as finding a mismatch).
   */
  sourceFdAtStart?: boolean;
  /** With `sourceFd`: run the decompressor as this user. */
  decompressAs?: { uid: number; gid: number };
}

interface SourceInput {
  child: Decompressor | null;
  input: FileHandle | null;
  pump: Pump | null;
  fd: number;
}

/** The descriptor the reader thread reads: the raw image itself, or the read end of a decompressor's pipe. */
async function openSourceInput(
  source: string,
  format: ImageFormat,
  options: ImageSourceOptions,
): Promise<SourceInput> {
  const { sourceFd, decompressAs } = options;
  if (format === 'raw') {
    const input = sourceFd === undefined ? await open(source, 'r') : null;
    return { child: null, input, pump: null, fd: input?.fd ?? (sourceFd as number) };
  }
  const tool = await findTool(format);
  const args = [...decompressArgs(format), ...(sourceFd === undefined ? ['--', source] : [])];
  // Running it as another user needs the source as a descriptor: it could not open the path root opened.
  const { child, readEnd, pump } = await decompressorPipe(
    tool,
    args,
    sourceFd === undefined ? null : { fd: sourceFd, atStart: options.sourceFdAtStart === true },
    sourceFd === undefined ? undefined : decompressAs,
  );
  return { child, input: readEnd, pump, fd: readEnd.fd };
}

interface SourceWorkers {
  blocks: Buffer[];
  state: Int32Array;
  reader: Worker;
  hasher: Worker | null;
}

/** The reader thread over the shared slots and, when hashing, the hasher thread it feeds through a port. */
function startSourceWorkers(fd: number, format: ImageFormat, hash: boolean): SourceWorkers {
  const { memory, blocks } = alignedBlocks(SLOTS, true);
  const control = new SharedArrayBuffer(SLOTS * 4);
  const state = new Int32Array(control);
  const shared = { memory, control, blockBytes: BLOCK_BYTES };
  const channel = hash ? new MessageChannel() : null;
  const reader = new Worker(READ_WORKER, {
    eval: true,
    workerData: {
      ...shared,
      fd,
      // A regular file is read at explicit offsets, so a descriptor shared with the caller need not be at 0.
      positional: format === 'raw',
      slots: SLOTS,
      hashPort: channel?.port1,
    },
    transferList: channel ? [channel.port1] : [],
  });
  const hasher = channel
    ? new Worker(HASH_WORKER, {
        eval: true,
        workerData: { ...shared, hashPort: channel.port2 },
        transferList: [channel.port2],
      })
    : null;
  return { blocks, state, reader, hasher };
}

interface SourceMessages {
  next(): Promise<SourceBlock | SourceEnd>;
  /** Records the first failure; it rejects the pending next() and every later one once the queue is drained. */
  fail(error: unknown): void;
}

/** Turns the workers' messages into an ordered queue that next() takes from. */
function queueWorkerMessages(reader: Worker, hasher: Worker | null): SourceMessages {
  const queue: (SourceBlock | SourceEnd)[] = [];
  let waiter: { resolve: (m: SourceBlock | SourceEnd) => void; reject: (e: unknown) => void } | null = null;
  let failure: unknown = null;
  const fail = (error: unknown) => {
    failure ??= error;
    waiter?.reject(failure);
    waiter = null;
  };
  const deliver = (message: SourceBlock | SourceEnd) => {
    if (waiter) waiter.resolve(message);
    else queue.push(message);
    waiter = null;
  };
  // The end is delivered once both the reader (size) and the hasher (digest) have finished.
  let readEnd: SourceEnd | null = null;
  let digest: string | null = hasher ? null : '';
  const deliverEnd = () => {
    if (readEnd && digest !== null) deliver({ ...readEnd, sha256: digest });
  };
  reader.on('message', (message: WorkerMessage) => {
    if (message.kind === 'error') {
      fail(Object.assign(new Error(`reading the image failed: ${message.message}`), { code: message.code }));
    } else if (message.kind === 'end') {
      readEnd = message;
      deliverEnd();
    } else deliver(message);
  });
  hasher?.on('message', (message: WorkerMessage) => {
    if (message.kind !== 'end') return;
    digest = message.sha256;
    deliverEnd();
  });
  for (const worker of [reader, hasher]) {
    worker?.on('error', fail);
    worker?.on('exit', () => {
      // A worker that stops before its part is done (the reader's end, the hasher's digest) took the image with it.
      if (worker === reader ? readEnd === null : digest === null) fail(new Error('the image reader stopped'));
    });
  }
  return {
    next() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    fail,
  };
}

/** Throws the decompressor's complaint, reworded for a card, when it did not exit cleanly. */
async function assertDecompressorSucceeded(
  child: Decompressor,
  format: ImageFormat,
  size: number,
): Promise<void> {
  const exit = await child.exited;
  if (exit.code === 0) return;
  const error = decompressionFailure(format, exit.stderr || `stopped by ${exit.signal}`, size);
  // Its wording is about a file being written; here it is a card.
  const message = error.message.replace(/;? ?the partial output was removed\.$/, '.');
  throw new ImageError(error.code, `${message} ${CARD_UNUSABLE}`, error.hint);
}

/** Stops the decompressor and both threads, then releases the pipe, in the order the descriptors allow. */
async function stopSource(
  { child, input, pump }: SourceInput,
  { reader, hasher }: SourceWorkers,
  fail: (error: unknown) => void,
): Promise<void> {
  fail(new Error('the image reader was closed'));
  child?.stop();
  // A read blocked on the pipe returns once the child is gone. Not if something else still holds the pipe's
  // write end (a grandchild that left the process group) or a raw image sits on a hung network mount: then
  // the blocked thread is left behind rather than hanging the cancel; it ends with the process.
  const stopped = Promise.all([reader.terminate(), hasher?.terminate()]);
  await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, TERMINATE_WAIT_MS).unref())]);
  await child?.exited;
  // The caller closes the source descriptor after this; no read of it may still be in flight then (the number
  // could by then name another file).
  pump?.stop();
  await pump?.done;
  await input?.close().catch(() => undefined);
}

export async function openImageSource(
  source: string,
  format: ImageFormat,
  options: ImageSourceOptions = {},
): Promise<ImageSource> {
  const opened = await openSourceInput(source, format, options);
  const { hash = true } = options;
  const workers = startSourceWorkers(opened.fd, format, hash);
  const { next, fail } = queueWorkerMessages(workers.reader, workers.hasher);
  let closed: Promise<void> | null = null;
  return {
    blocks: workers.blocks,
    next,
    release(slot) {
      releaseSlot(workers.state, slot, NEEDS_WRITE);
    },
    async assertComplete(size) {
      if (opened.child) await assertDecompressorSucceeded(opened.child, format, size);
    },
    close() {
      closed ??= stopSource(opened, workers, fail);
      return closed;
    },
  };
}
