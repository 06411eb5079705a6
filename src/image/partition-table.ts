import { type DiskReader, MAX_READ_BYTES, withDiskReader } from './disk-reader.js';
import { ImageError, imageAccessError } from './image-errors.js';
import { detectImageFormat } from './image-format.js';
import {
  type GptEntry,
  gptBytesNeeded,
  hasGptSignature,
  isGptBootable,
  parseGpt,
} from './partition-table-gpt.js';
import {
  MBR_TYPE_GPT_PROTECTIVE,
  SECTOR_SIZE,
  formatMbrType,
  hasMbrSignature,
  parseMbr,
} from './partition-table-mbr.js';
import { ImageTruncatedError } from './partition-table-errors.js';

export interface Partition {
  /** 1-based, like p1/p2 in device names. */
  index: number;
  /** Bytes from the start of the image. */
  offset: number;
  /** Bytes. */
  size: number;
  /** MBR: "0x0b"; GPT: the lowercase type GUID. */
  type: string;
  /** The GPT partition name; null on MBR or when unnamed. */
  name: string | null;
  bootable: boolean;
  /** What Linux shows as PARTUUID: the GPT unique GUID, or "<disk id>-<nn>" on MBR. */
  partUuid: string;
}

export interface PartitionTable {
  scheme: 'mbr' | 'gpt';
  /** MBR disk signature (8 hex digits) or GPT disk GUID. */
  diskId: string;
  partitions: Partition[];
}

/** Sectors that hold an MBR plus a standard primary GPT (header + 128 × 128-byte entries). */
export const PARTITION_TABLE_BYTES = 34 * SECTOR_SIZE;

function fromGpt(head: Buffer, imageSize: number): PartitionTable {
  const gpt = parseGpt(head, imageSize);
  const toPartition = (e: GptEntry): Partition => ({
    index: e.number,
    offset: e.firstLba * SECTOR_SIZE,
    size: (e.lastLba - e.firstLba + 1) * SECTOR_SIZE,
    type: e.typeGuid,
    name: e.name || null,
    bootable: isGptBootable(e.attributes),
    partUuid: e.uniqueGuid,
  });
  return { scheme: 'gpt', diskId: gpt.diskGuid, partitions: gpt.entries.map(toPartition) };
}

function fromMbr(head: Buffer): PartitionTable | 'gpt' {
  const mbr = parseMbr(head);
  if (mbr.entries.some((e) => e.typeByte === MBR_TYPE_GPT_PROTECTIVE)) return 'gpt';
  const partitions = mbr.entries.map((e) => ({
    index: e.slot,
    offset: e.firstLba * SECTOR_SIZE,
    size: e.sectors * SECTOR_SIZE,
    type: formatMbrType(e.typeByte),
    name: null,
    bootable: e.bootable,
    partUuid: `${mbr.diskId}-${e.slot.toString(16).padStart(2, '0')}`,
  }));
  return { scheme: 'mbr', diskId: mbr.diskId, partitions };
}

/** A partition past the end of the file is the mark of a cut-off download or an interrupted build. */
function assertWithinImage(table: PartitionTable, imageSize: number): void {
  const furthest = table.partitions.reduce<Partition | null>(
    (far, p) => (far === null || p.offset + p.size > far.offset + far.size ? p : far),
    null,
  );
  if (furthest && furthest.offset + furthest.size > imageSize)
    throw new ImageTruncatedError(imageSize, furthest.offset + furthest.size, `partition ${furthest.index}`);
}

/**
 * Parses the partition table from the first bytes of a disk image (≥ 34 sectors; more when a GPT's entry array lies
 * further out, see gptBytesNeeded). Sector size 512.
 */
export function parsePartitionTable(firstBytes: Buffer, imageSize: number): PartitionTable {
  let table: PartitionTable | 'gpt';
  if (hasMbrSignature(firstBytes)) table = fromMbr(firstBytes);
  // A GPT disk whose protective MBR was wiped is still a GPT disk.
  else if (hasGptSignature(firstBytes)) table = 'gpt';
  else {
    throw new ImageError(
      'image-no-partition-table',
      'The image has no partition table: there is neither an MBR boot signature (55 AA at byte 510) nor a GPT header.',
      'Use a whole-disk image (a NixOS sdImage), not a single partition or file system.',
    );
  }
  if (table === 'gpt') table = fromGpt(firstBytes, imageSize);
  if (table.partitions.length === 0) {
    throw new ImageError(
      'image-no-partition-table',
      'The image has a partition table with no partitions in it.',
      'Use a complete NixOS sdImage; this one holds nothing to boot.',
    );
  }
  assertWithinImage(table, imageSize);
  return table;
}

/**
 * Reads and parses the partition table of an uncompressed disk, an image file or a card: 34 sectors, more when a
 * GPT's entry array lies further out, never more than MAX_READ_BYTES. `head` is its first 34 sectors when read already.
 */
export async function readPartitionTableOf(disk: DiskReader, head?: Buffer): Promise<PartitionTable> {
  const size = await disk.size();
  let firstBytes = head ?? (await disk.readAt(0, PARTITION_TABLE_BYTES));
  const needed = hasGptSignature(firstBytes) ? gptBytesNeeded(firstBytes) : PARTITION_TABLE_BYTES;
  if (needed > firstBytes.length && firstBytes.length < size)
    firstBytes = await disk.readAt(0, Math.min(needed, size, MAX_READ_BYTES));
  return parsePartitionTable(firstBytes, size);
}

/** Reads and parses the partition table of the (uncompressed) disk image at `file`, saying so when it is compressed. */
export async function readPartitionTable(file: string): Promise<PartitionTable> {
  try {
    return await withDiskReader(file, async (disk) => {
      const head = await disk.readAt(0, PARTITION_TABLE_BYTES);
      if (!hasMbrSignature(head) && !hasGptSignature(head)) {
        // Say *why* there is no table: a compressed image, a ZIP, an empty file… (throws for non-images).
        const format = detectImageFormat(head, await disk.size(), `The file ${file}`);
        throw new ImageError(
          'image-no-partition-table',
          `The file ${file} is still ${format}-compressed: its partition table cannot be read yet.`,
          'Decompress it first (the app does this when you pick it as an image source).',
        );
      }
      return readPartitionTableOf(disk, head);
    });
  } catch (error) {
    throw imageAccessError(file, error);
  }
}
