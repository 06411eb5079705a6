import { crc32 } from 'node:zlib';
import { ImageError } from './image-errors.js';
import { ImageTruncatedError } from './partition-table-errors.js';
import { SECTOR_SIZE } from './partition-table-mbr.js';

/** GPT partition type GUIDs the app cares about (lowercase, as lsblk prints them). */
export const GPT_TYPE = {
  linuxFilesystem: '0fc63daf-8483-4772-8e79-3d69d8477de4',
  microsoftBasicData: 'ebd0a0a2-b9e5-4433-87c0-68b6b72699c7',
  efiSystem: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b',
} as const;

export interface GptEntry {
  /** 1-based position in the entry array, as Linux numbers it. */
  number: number;
  typeGuid: string;
  uniqueGuid: string;
  firstLba: number;
  /** Inclusive. */
  lastLba: number;
  attributes: bigint;
  name: string;
}

export interface Gpt {
  diskGuid: string;
  entries: GptEntry[];
}

const HEADER_AT = SECTOR_SIZE;
const SIGNATURE = Buffer.from('EFI PART', 'latin1');
// Bounds that no real table exceeds; larger values mean a damaged (or crafted) header, not a bigger read.
const MAX_ENTRY_ARRAY_BYTES = 1024 * 1024;
/** The entry array must end within the first MiB, where every partitioning tool puts it (before the first partition). */
export const MAX_GPT_REACH = 1024 * 1024;
const MIN_HEADER_SIZE = 92;
/** Bit 2: legacy BIOS bootable, the GPT counterpart of the MBR boot flag. */
const ATTR_LEGACY_BOOTABLE = 1n << 2n;

const corrupt = (why: string) =>
  new ImageError(
    'image-corrupt',
    `The image's GPT partition table is damaged: ${why}.`,
    'Download or build the image again.',
  );

/** Mixed-endian GUID text: the first three fields are little-endian on disk. */
export function formatGuid(bytes: Buffer): string {
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Buffer.from(bytes.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

function u64(buf: Buffer, at: number, what: string): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`${what} is out of range`);
  return Number(value);
}

/** True when LBA 1 starts with the "EFI PART" signature. */
export function hasGptSignature(head: Buffer): boolean {
  return (
    head.length >= HEADER_AT + SIGNATURE.length && head.subarray(HEADER_AT, HEADER_AT + 8).equals(SIGNATURE)
  );
}

interface GptHeader {
  diskGuid: string;
  entriesAt: number;
  count: number;
  entrySize: number;
  entriesCrc: number;
}

function parseHeader(head: Buffer): GptHeader {
  if (head.length < 2 * SECTOR_SIZE || !hasGptSignature(head))
    throw corrupt('there is no "EFI PART" header at LBA 1');
  const header = head.subarray(HEADER_AT, HEADER_AT + SECTOR_SIZE);
  const size = header.readUInt32LE(12);
  if (size < MIN_HEADER_SIZE || size > SECTOR_SIZE) throw corrupt(`its header size ${size} is invalid`);
  const copy = Buffer.from(header.subarray(0, size));
  copy.writeUInt32LE(0, 16); // the CRC is computed with its own field zeroed
  if (crc32(copy) !== header.readUInt32LE(16)) throw corrupt('the header checksum (CRC32) does not match');
  if (u64(header, 24, 'the header location') !== 1)
    throw corrupt('the primary header does not point at LBA 1');
  const count = header.readUInt32LE(80);
  const entrySize = header.readUInt32LE(84);
  if (entrySize < 128 || entrySize % 8 !== 0 || count * entrySize > MAX_ENTRY_ARRAY_BYTES) {
    throw corrupt(`its entry array (${count} × ${entrySize} bytes) is implausible`);
  }
  const entriesLba = u64(header, 72, 'the entry array location');
  // Checked before anyone reads that far: a crafted header could otherwise make the reader allocate the whole image.
  if (entriesLba < 2 || entriesLba * SECTOR_SIZE + count * entrySize > MAX_GPT_REACH) {
    throw corrupt(
      `its entry array (at LBA ${entriesLba}, ${count} × ${entrySize} bytes) lies outside the first MiB`,
    );
  }
  return {
    diskGuid: formatGuid(header.subarray(56, 72)),
    entriesAt: entriesLba * SECTOR_SIZE,
    count,
    entrySize,
    entriesCrc: header.readUInt32LE(88),
  };
}

/** How many bytes from the start of the disk hold the primary GPT (header + entry array); 34 sectors usually. */
export function gptBytesNeeded(head: Buffer): number {
  try {
    const { entriesAt, count, entrySize } = parseHeader(head);
    return entriesAt + count * entrySize;
  } catch {
    return 34 * SECTOR_SIZE; // parseGpt reports what is wrong
  }
}

function parseEntry(entry: Buffer, number: number): GptEntry | null {
  const type = entry.subarray(0, 16);
  if (type.every((b) => b === 0)) return null;
  const firstLba = u64(entry, 32, `partition ${number}'s start`);
  const lastLba = u64(entry, 40, `partition ${number}'s end`);
  if (lastLba < firstLba || firstLba === 0) throw corrupt(`partition ${number} has an invalid extent`);
  const name = entry.subarray(56, 128).toString('utf16le');
  const end = name.indexOf('\0');
  return {
    number,
    typeGuid: formatGuid(type),
    uniqueGuid: formatGuid(entry.subarray(16, 32)),
    firstLba,
    lastLba,
    attributes: entry.readBigUInt64LE(48),
    name: end === -1 ? name : name.slice(0, end),
  };
}

/** Parses the primary GPT from the start of a disk; `head` must reach past the entry array (see gptBytesNeeded). */
export function parseGpt(head: Buffer, imageSize: number): Gpt {
  const { diskGuid, entriesAt, count, entrySize, entriesCrc } = parseHeader(head);
  const arrayEnd = entriesAt + count * entrySize;
  if (arrayEnd > imageSize) throw new ImageTruncatedError(imageSize, arrayEnd, 'its GPT partition entries');
  if (head.length < arrayEnd)
    throw new RangeError(`parseGpt needs ${arrayEnd} bytes of the disk, got ${head.length}`);
  const array = head.subarray(entriesAt, arrayEnd);
  if (crc32(array) !== entriesCrc) throw corrupt('the partition entry checksum (CRC32) does not match');
  const entries: GptEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = parseEntry(array.subarray(i * entrySize, (i + 1) * entrySize), i + 1);
    if (entry) entries.push(entry);
  }
  return { diskGuid, entries };
}

/** Whether the GPT attributes mark a partition legacy-BIOS bootable. */
export function isGptBootable(attributes: bigint): boolean {
  return (attributes & ATTR_LEGACY_BOOTABLE) !== 0n;
}
