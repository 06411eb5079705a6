import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { ImageFormat } from '../../image/index.js';
import { findSystemProgram, runTool } from '../../tools/index.js';
import { alignedBlocks } from './aligned-buffers.js';
import { directLength, type ReadBack } from './device-writer.js';
import { firstMismatch } from './first-mismatch.js';
import { openImageSource } from './image-source.js';

/**
 * Drops the kernel's cached copy of the device so the read-back comes from the card, not from memory that merely
 * remembers what was sent (a fake-capacity card would pass otherwise). O_DIRECT reads bypass that cache anyway;
 * this covers the buffered fallback. Best effort: it needs CAP_SYS_ADMIN. Returns whether it worked.
 */
export async function dropDeviceCache(device: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  const result = await runTool(await findSystemProgram('blockdev'), ['--flushbufs', device]).catch(
    () => null,
  );
  return result?.code === 0;
}

async function readBlock(handle: FileHandle, buffer: Buffer, at: number, length: number, direct: boolean) {
  const want = direct ? Math.min(buffer.length, directLength(length)) : length;
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, want - got, at + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, Math.min(got, length));
}

/**
 * SHA-256 of the first `bytes` read through `reader` (the caller closes it); the next read runs while this thread
 * hashes the last one.
 */
export async function readBackSha256(
  { handle, direct }: ReadBack,
  bytes: number,
  options: { signal: AbortSignal; onProgress: (done: number) => void },
): Promise<string> {
  const { blocks } = alignedBlocks(2, false);
  const hash = createHash('sha256');
  const size = (blocks[0] as Buffer).length;
  let at = 0;
  let turn = 0;
  const read = (from: number) =>
    readBlock(handle, blocks[turn++ % 2] as Buffer, from, Math.min(size, bytes - from), direct);
  let pending = bytes > 0 ? read(0) : null;
  while (pending) {
    const chunk = await pending;
    if (options.signal.aborted) throw options.signal.reason;
    if (chunk.length === 0) break;
    const next = at + chunk.length;
    pending = next < bytes ? read(next) : null;
    hash.update(chunk);
    at = next;
    options.onProgress(at);
  }
  return hash.digest('hex');
}

/** Decompresses the image again and compares it with the device block by block: the first differing byte, or null. */
export async function findFirstMismatch(
  source: string,
  format: ImageFormat,
  { handle, direct }: ReadBack,
  bytes: number,
  signal: AbortSignal,
  from: { sourceFd?: number; decompressAs?: { uid: number; gid: number } } = {},
): Promise<number | null> {
  // The same descriptor (and the same unprivileged decompressor) as the write: never the path again.
  const image = await openImageSource(source, format, {
    hash: false,
    ...(from.sourceFd === undefined ? {} : { sourceFd: from.sourceFd }),
    ...(from.decompressAs ? { decompressAs: from.decompressAs } : {}),
  });
  try {
    const { blocks } = alignedBlocks(1, false);
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const block = await image.next();
      if (block.kind === 'end') return null;
      const expected = (image.blocks[block.slot] as Buffer).subarray(
        0,
        Math.min(block.length, bytes - block.offset),
      );
      const actual = await readBlock(handle, blocks[0] as Buffer, block.offset, expected.length, direct);
      const index = firstMismatch(expected, actual);
      image.release(block.slot);
      if (index >= 0) return block.offset + index;
      if (block.offset + block.length >= bytes) return null;
    }
  } finally {
    await image.close();
  }
}
