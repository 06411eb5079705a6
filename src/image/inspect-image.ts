import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ImageInspection } from '../contract/index.js';
import { describeError } from '../errors.js';
import { startTool, findTool } from '../tools/index.js';
import { decompressArgs } from './decompress-args.js';
import { withDiskReader } from './disk-reader.js';
import { ext4PartitionsOf } from './ext4-partitions.js';
import { ImageError, type ImageErrorCode } from './image-errors.js';
import { hasPartitionTableSignature, readHead, sniffImageFormat, type ImageFormat } from './image-format.js';
import { listCompressedImage } from './image-size.js';
import { parsePartitionTable, type PartitionTable } from './partition-table.js';

/** Where MBR and GPT (header and entries, see the GPT reach limit) live: what is read of a compressed image. */
const HEAD_BYTES = 1024 * 1024;

/**
 * Checks an image file the moment it is chosen, before anything is written or any prompt: format by content, size,
 * the partition table within the file. Never throws for what is wrong with the file: that is the `problem`.
 */
export async function inspectImage(file: string): Promise<ImageInspection> {
  const path = resolve(file);
  const base: ImageInspection = {
    path,
    format: null,
    fileBytes: 0,
    imageBytes: null,
    partitionTable: null,
    partitions: [],
    fullyChecked: false,
    problem: null,
  };
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) {
    const what = !info
      ? `There is no file ${path}.`
      : info.isDirectory()
        ? `${path} is a folder, not an image file.`
        : `${path} is not a regular file.`;
    const code: ImageErrorCode = info ? 'image-unreadable' : 'image-not-found';
    return {
      ...base,
      problem: { code, message: what, hint: 'Choose an .img, .img.zst, .img.xz or .img.gz file.' },
    };
  }
  let inspection: ImageInspection = { ...base, fileBytes: info.size };
  try {
    const format = await sniffImageFormat(path);
    inspection = { ...inspection, format, fullyChecked: format === 'raw' };
    const imageBytes = await imageSize(path, format, info.size);
    inspection = { ...inspection, imageBytes };
    const head =
      format === 'raw' ? (await readHead(path, HEAD_BYTES)).head : await decompressedHead(path, format);
    const table = partitionTableOf(path, head, imageBytes);
    inspection = {
      ...inspection,
      partitionTable: table.scheme,
      partitions: await partitionsOf(path, format, table),
    };
    return inspection;
  } catch (error) {
    const { code, message, hint } = describeError(error);
    return { ...inspection, problem: { code, message, hint } };
  }
}

/** The image's size; a zstd or xz file that cannot be listed is cut off or damaged, and says so now. */
async function imageSize(path: string, format: ImageFormat, fileBytes: number): Promise<number | null> {
  if (format === 'raw') return fileBytes;
  if (format === 'gzip') return null;
  const listing = await listCompressedImage(path, format);
  if (listing.damaged) {
    throw new ImageError(
      'image-truncated',
      `${path} is cut off or damaged: the ${format} file ends before its last frame.`,
      'The download or copy did not finish: get the image again (compare its checksum with the published one).',
    );
  }
  return listing.size;
}

/** The first MiB of the decompressed image, or less when it is smaller. */
async function decompressedHead(path: string, format: Exclude<ImageFormat, 'raw'>): Promise<Buffer> {
  const tool = startTool(await findTool(format), [...decompressArgs(format), '--', path]);
  const parts: Buffer[] = [];
  let length = 0;
  const enough = new Promise<void>((done) => {
    tool.stdout?.on('data', (chunk: Buffer) => {
      if (length < HEAD_BYTES) parts.push(chunk.subarray(0, HEAD_BYTES - length));
      length += chunk.length;
      if (length >= HEAD_BYTES) done();
    });
    void tool.exited.then(() => done());
  });
  await enough;
  tool.stop();
  const exit = await tool.exited;
  const head = Buffer.concat(parts);
  // Stopped on purpose once the head was in: only a failure before that says anything about the file.
  if (head.length < HEAD_BYTES && (exit.code !== 0 || exit.error)) {
    throw new ImageError(
      'image-truncated',
      `${path} could not be decompressed: ${exit.stderr.trim().split('\n').at(-1) ?? exit.error?.message ?? 'it ended early'}.`,
      'Get the image again: the file is damaged or was cut off.',
    );
  }
  return head;
}

function partitionTableOf(path: string, head: Buffer, imageBytes: number | null): PartitionTable {
  if (!hasPartitionTableSignature(head)) {
    throw new ImageError(
      'image-no-partition-table',
      `${path} holds no partition table: it is not a whole-disk image (a single file system or a part of one?).`,
      'Choose the sdImage itself (the .img, .img.zst or .img.xz a NixOS sd-image build makes).',
    );
  }
  // Without a known size (gzip), only the table's own shape is checked here; the write checks the rest.
  return parsePartitionTable(head, imageBytes ?? Number.MAX_SAFE_INTEGER);
}

async function partitionsOf(path: string, format: ImageFormat, table: PartitionTable) {
  // The ext4 superblocks lie beyond the head: readable here for a raw image only.
  const ext4 =
    format === 'raw'
      ? await withDiskReader(path, (disk) => ext4PartitionsOf(disk, table)).catch(() => [])
      : [];
  return table.partitions.map((p) => ({
    index: p.index,
    offsetBytes: p.offset,
    sizeBytes: p.size,
    type: p.type,
    ext4Label: ext4.find((e) => e.partition.index === p.index)?.superblock.label ?? null,
  }));
}
