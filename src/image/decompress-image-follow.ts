import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEAD_BYTES, IMAGE_BUFFER_BYTES } from './decompress-image-sink.js';

/** What was found in the file once its writer finished. */
export interface FollowedFile {
  size: number;
  sha256: string;
  /** The first HEAD_BYTES bytes (fewer if the file is shorter). */
  head: Buffer;
}

const POLL_MS = 10;
const PROGRESS_POLL_MS = 100;

/** Hashes `[from, to)` of a file; the next read runs on the thread pool while this thread hashes the last one. */
async function hashRange(
  handle: FileHandle,
  buffers: readonly [Buffer, Buffer],
  range: { from: number; to: number },
  consume: (chunk: Buffer, at: number) => void,
): Promise<number> {
  const read = (turn: number, at: number) => {
    const buffer = buffers[turn % 2] as Buffer;
    const length = Math.min(buffer.length, range.to - at);
    return handle.read(buffer, 0, length, at).then(({ bytesRead }) => buffer.subarray(0, bytesRead));
  };
  let at = range.from;
  let turn = 0;
  let pending = at < range.to ? read(turn, at) : null;
  while (pending) {
    const chunk = await pending;
    if (chunk.length === 0) break;
    const next = at + chunk.length;
    pending = next < range.to ? read(++turn, next) : null;
    consume(chunk, at);
    at = next;
  }
  return at;
}

async function readHead(handle: FileHandle): Promise<Buffer> {
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
  return buffer.subarray(0, bytesRead);
}

/**
 * Hashes a file while another process is still appending to it, reading behind the writer from the page cache.
 * Sound because the writer (a decompressor's stdout) only moves forward: every byte below the current size is final,
 * holes included. After `finished` settles, one more pass reads whatever came last.
 */
export async function followAndHash(
  file: string,
  finished: Promise<unknown>,
  options: { signal: AbortSignal; onAdvance?: (size: number) => void; hash?: boolean },
): Promise<FollowedFile> {
  // Handle `finished` before the first await: a writer that already failed must not count as an unhandled rejection.
  let done = false;
  const over = finished.then(
    () => (done = true),
    () => (done = true),
  );
  const handle = await open(file, 'r');
  try {
    const hash = createHash('sha256');
    const buffers = [Buffer.allocUnsafe(IMAGE_BUFFER_BYTES), Buffer.allocUnsafe(IMAGE_BUFFER_BYTES)] as const;
    let head: Buffer = Buffer.alloc(0);
    const consume = (chunk: Buffer, at: number) => {
      hash.update(chunk);
      if (at < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - at)]);
      options.onAdvance?.(at + chunk.length);
    };
    let position = 0;
    for (;;) {
      if (options.signal.aborted) throw options.signal.reason;
      const lastPass = done; // read before stat: a pass that starts after the end sees everything
      const { size } = await handle.stat();
      // Trailing the writer by a few small blocks costs a stat, a read and a wake-up per block, which at GB/s is
      // most of the time: wait for a full buffer's worth unless the writer is done.
      if (options.hash === false) {
        // Progress only: the caller hashes later (e.g. after changing the image), so don't read it twice. The head
        // is read on the last pass whether or not that pass saw the file grow: the writer may have finished earlier.
        if (size > position) {
          position = size;
          options.onAdvance?.(size);
        }
        if (lastPass) head = await readHead(handle);
        else await Promise.race([sleep(PROGRESS_POLL_MS), over]);
      } else if (size - position >= IMAGE_BUFFER_BYTES || (lastPass && size > position)) {
        position = await hashRange(handle, buffers, { from: position, to: size }, consume);
      } else if (!lastPass) {
        await Promise.race([sleep(POLL_MS), over]);
      }
      if (lastPass) return { size: position, sha256: options.hash === false ? '' : hash.digest('hex'), head };
    }
  } finally {
    await handle.close();
  }
}
