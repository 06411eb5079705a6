/** For tests only: builds MBR and GPT heads the way sfdisk lays them out, and crafted variants of them. */
import { crc32 } from 'node:zlib';
import { ImageError } from './image-errors.js';
import { GPT_TYPE } from './partition-table-gpt.js';

export const MIB = 1024 * 1024;
export const SECTOR = 512;

interface MbrSlot {
  slot: number;
  type: number;
  start: number;
  sectors: number;
  status?: number;
}

export function mbr(slots: MbrSlot[], size = 34 * SECTOR): Buffer {
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(0x2178694e, 440);
  for (const s of slots) {
    const at = 446 + (s.slot - 1) * 16;
    buf[at] = s.status ?? 0;
    buf[at + 4] = s.type;
    buf.writeUInt32LE(s.start, at + 8);
    buf.writeUInt32LE(s.sectors, at + 12);
  }
  buf[510] = 0x55;
  buf[511] = 0xaa;
  return buf;
}

/** GUID text → on-disk bytes (first three fields little-endian). */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

interface GptPart {
  type: string;
  uuid: string;
  first: number;
  last: number;
  name: string;
  attrs?: bigint;
}

/** A protective MBR + primary GPT header + entry array, checksummed like sfdisk does. */
export function gpt(
  parts: GptPart[],
  options: { entriesLba?: number; protective?: boolean; count?: number } = {},
): Buffer {
  const { entriesLba = 2, protective = true, count = 128 } = options;
  const entrySize = 128;
  const buf = Buffer.alloc(Math.max(34 * SECTOR, entriesLba * SECTOR + count * entrySize));
  if (protective) mbr([{ slot: 1, type: 0xee, start: 1, sectors: 0xffffffff }]).copy(buf, 0, 0, SECTOR);
  const array = Buffer.alloc(count * entrySize);
  parts.forEach((p, i) => {
    const e = array.subarray(i * entrySize, (i + 1) * entrySize);
    guidBytes(p.type).copy(e, 0);
    guidBytes(p.uuid).copy(e, 16);
    e.writeBigUInt64LE(BigInt(p.first), 32);
    e.writeBigUInt64LE(BigInt(p.last), 40);
    e.writeBigUInt64LE(p.attrs ?? 0n, 48);
    Buffer.from(p.name, 'utf16le').copy(e, 56);
  });
  array.copy(buf, entriesLba * SECTOR);
  const h = buf.subarray(SECTOR, 2 * SECTOR);
  h.write('EFI PART', 0, 'latin1');
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(92, 12);
  h.writeBigUInt64LE(1n, 24);
  h.writeBigUInt64LE(0x3ffffn, 32);
  h.writeBigUInt64LE(34n, 40);
  h.writeBigUInt64LE(0x3ffden, 48);
  guidBytes('44444444-4444-4444-8888-000000000001').copy(h, 56);
  h.writeBigUInt64LE(BigInt(entriesLba), 72);
  h.writeUInt32LE(count, 80);
  h.writeUInt32LE(entrySize, 84);
  h.writeUInt32LE(crc32(array), 88);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return buf;
}

/** Points the header's entry array elsewhere (and its count), re-checksummed so only the bounds can refuse it. */
export function craftHeader(buf: Buffer, entriesLba: bigint, count?: number): Buffer {
  const crafted = Buffer.from(buf);
  const h = crafted.subarray(SECTOR, 2 * SECTOR);
  h.writeBigUInt64LE(entriesLba, 72);
  if (count !== undefined) h.writeUInt32LE(count, 80);
  h.writeUInt32LE(0, 16);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return crafted;
}

export const NIXOS_GPT: GptPart[] = [
  {
    type: GPT_TYPE.microsoftBasicData,
    uuid: '44444444-4444-4444-8888-000000000002',
    first: 16384,
    last: 77823,
    name: 'FIRMWARE',
  },
  {
    type: GPT_TYPE.linuxFilesystem,
    uuid: '44444444-4444-4444-8888-000000000003',
    first: 77824,
    last: 126975,
    name: 'NIXOS_SD',
    attrs: 1n << 2n,
  },
];

export function errorOf(fn: () => unknown): ImageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ImageError) return error;
    throw error;
  }
  throw new Error('expected an ImageError');
}
