import { fstat, read } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import {
  decompressedImageSize,
  hasPartitionTableSignature,
  ImageError,
  type ImageFormat,
  ImageTruncatedError,
  listCompressedImage,
  parsePartitionTable,
} from '../../image/index.js';
import { HELD_BACK_BYTES } from './held-back-head.js';
import { openImageSource } from './image-source.js';

const readAt = promisify(read);
const NOTHING_WRITTEN = 'Nothing was written.';

/**
 * Throws ImageTruncatedError (ending with `consequence`) when the partition table in `head` describes more than `size`
 * bytes. A head without a table, or a table damaged in other ways, is left to the write's own checks: this one only
 * answers "is the image all there?".
 */
export function assertPartitionsFit(head: Buffer, size: number, consequence: string): void {
  if (!hasPartitionTableSignature(head)) return;
  try {
    parsePartitionTable(head, size);
  } catch (error) {
    if (!(error instanceof ImageTruncatedError)) return;
    throw new ImageTruncatedError(error.imageSize, error.neededSize, error.what, consequence);
  }
}

/** The first bytes of a raw image, read at explicit offsets so a shared descriptor's offset neither matters nor moves. */
async function readRawHead(source: string, sourceFd: number | undefined, length: number): Promise<Buffer> {
  const handle = sourceFd === undefined ? await open(source, 'r') : null;
  try {
    const head = Buffer.alloc(length);
    const { bytesRead } = await readAt(handle?.fd ?? (sourceFd as number), head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle?.close();
  }
}

/** The first MiB of the decompressed image (less when it is smaller): where MBR and GPT live (see MAX_GPT_REACH). */
async function readImageHead(source: string, format: ImageFormat, sourceFd?: number): Promise<Buffer> {
  if (format === 'raw') return readRawHead(source, sourceFd, HELD_BACK_BYTES);
  const image = await openImageSource(source, format, { hash: false });
  try {
    const parts: Buffer[] = [];
    let length = 0;
    while (length < HELD_BACK_BYTES) {
      const block = await image.next();
      if (block.kind === 'end') break;
      const data = (image.blocks[block.slot] as Buffer).subarray(0, block.length);
      parts.push(Buffer.from(data.subarray(0, HELD_BACK_BYTES - length)));
      length += block.length;
      image.release(block.slot);
    }
    return Buffer.concat(parts);
  } finally {
    await image.close();
  }
}

/**
 * Refuses, before anything is written, an image whose partitions reach past its end: a cut-off download or copy, or
 * a compressed file made from one. The decompressed size must be known in advance (raw, `zstd -l`, `xz -l`); gzip's
 * is not, and its image is checked once it has streamed, before the head makes the card bootable.
 */
export async function assertImageHoldsItsPartitions(source: string, format: ImageFormat): Promise<void> {
  // zstd and xz walk the frame headers to the end of the file: one that stops short is cut off or damaged.
  const listing = format === 'zstd' || format === 'xz' ? await listCompressedImage(source, format) : null;
  if (listing?.damaged)
    throw new ImageError(
      'image-truncated',
      `${source} is cut off or damaged: the ${format} file ends before its last frame. ${NOTHING_WRITTEN}`,
      'The download or copy did not finish: get the image again (compare its checksum with the published one).',
    );
  const size = listing ? listing.size : await decompressedImageSize(source, format);
  // An image whose head cannot be read here fails the write itself, with the decompressor's or reader's own words.
  const head = size === null ? null : await readImageHead(source, format).catch(() => null);
  if (size !== null && head) assertPartitionsFit(head, size, NOTHING_WRITTEN);
}

/**
 * The same refusal inside the writer, for a raw image (its size is its file's, and reading its head runs no tool):
 * the privileged writer takes no caller's word for the image, and callers that skip the service get it too.
 */
export async function assertRawImageHoldsItsPartitions(source: string, sourceFd?: number): Promise<void> {
  const size = sourceFd === undefined ? (await stat(source)).size : (await promisify(fstat)(sourceFd)).size;
  assertPartitionsFit(await readRawHead(source, sourceFd, HELD_BACK_BYTES), size, NOTHING_WRITTEN);
}
