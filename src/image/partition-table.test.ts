import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageError } from './image-errors.js';
import { GPT_TYPE, MAX_GPT_REACH, formatGuid, gptBytesNeeded } from './partition-table-gpt.js';
import { parsePartitionTable, readPartitionTable } from './partition-table.js';

const MIB = 1024 * 1024;
const SECTOR = 512;

interface MbrSlot {
  slot: number;
  type: number;
  start: number;
  sectors: number;
  status?: number;
}

function mbr(slots: MbrSlot[], size = 34 * SECTOR): Buffer {
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
function guidBytes(guid: string): Buffer {
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
function gpt(
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
function craftHeader(buf: Buffer, entriesLba: bigint, count?: number): Buffer {
  const crafted = Buffer.from(buf);
  const h = crafted.subarray(SECTOR, 2 * SECTOR);
  h.writeBigUInt64LE(entriesLba, 72);
  if (count !== undefined) h.writeUInt32LE(count, 80);
  h.writeUInt32LE(0, 16);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return crafted;
}

const NIXOS_GPT: GptPart[] = [
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

function errorOf(fn: () => unknown): ImageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ImageError) return error;
    throw error;
  }
  throw new Error('expected an ImageError');
}

describe('parsePartitionTable: MBR', () => {
  const nixos = mbr([
    { slot: 1, type: 0x0b, start: 16384, sectors: 61440 },
    { slot: 2, type: 0x83, start: 77824, sectors: 49152, status: 0x80 },
  ]);

  it('reads the primary entries of a NixOS-like sdImage', () => {
    expect(parsePartitionTable(nixos, 62 * MIB)).toEqual({
      scheme: 'mbr',
      diskId: '2178694e',
      partitions: [
        {
          index: 1,
          offset: 8 * MIB,
          size: 30 * MIB,
          type: '0x0b',
          name: null,
          bootable: false,
          partUuid: '2178694e-01',
        },
        {
          index: 2,
          offset: 38 * MIB,
          size: 24 * MIB,
          type: '0x83',
          name: null,
          bootable: true,
          partUuid: '2178694e-02',
        },
      ],
    });
  });

  it('keeps slot numbers across empty slots, like Linux (p3 stays p3)', () => {
    const table = parsePartitionTable(mbr([{ slot: 3, type: 0x83, start: 2048, sectors: 2048 }]), 2 * MIB);
    expect(table.partitions.map((p) => p.index)).toEqual([3]);
  });

  it('reports a partition past the end of the file as image-truncated, with both sizes', () => {
    const error = errorOf(() => parsePartitionTable(nixos, 50 * MIB));
    expect(error.code).toBe('image-truncated');
    expect(error.message).toBe(
      'The image ends at 50 MiB (52428800 bytes) but partition 2 needs 62 MiB (65011712 bytes): ' +
        '12582912 bytes (12 MiB) are missing, so it was cut short.',
    );
    expect(error).toMatchObject({ imageSize: 50 * MIB, neededSize: 62 * MIB, missingBytes: 12 * MIB });
    expect(error.hint).toMatch(/again/);
  });

  it('refuses sector 0 without the boot signature, with no partitions, or with boot code in the entries', () => {
    const unsigned = Buffer.from(nixos);
    unsigned[510] = 0;
    expect(errorOf(() => parsePartitionTable(unsigned, 62 * MIB)).code).toBe('image-no-partition-table');
    expect(errorOf(() => parsePartitionTable(mbr([]), 62 * MIB)).code).toBe('image-no-partition-table');
    const fatBootCode = mbr([{ slot: 1, type: 0x0b, start: 2048, sectors: 2048, status: 0x3c }]);
    const error = errorOf(() => parsePartitionTable(fatBootCode, 62 * MIB));
    expect(error.code).toBe('image-no-partition-table');
    expect(error.message).toContain('bare file system');
  });
});

describe('parsePartitionTable: GPT', () => {
  it('follows the protective MBR to the GPT and reads names, GUIDs and the boot attribute', () => {
    const table = parsePartitionTable(gpt(NIXOS_GPT), 64 * MIB);
    expect(table.scheme).toBe('gpt');
    expect(table.diskId).toBe('44444444-4444-4444-8888-000000000001');
    expect(table.partitions).toEqual([
      {
        index: 1,
        offset: 8 * MIB,
        size: 30 * MIB,
        type: GPT_TYPE.microsoftBasicData,
        name: 'FIRMWARE',
        bootable: false,
        partUuid: '44444444-4444-4444-8888-000000000002',
      },
      {
        index: 2,
        offset: 38 * MIB,
        size: 24 * MIB,
        type: GPT_TYPE.linuxFilesystem,
        name: 'NIXOS_SD',
        bootable: true,
        partUuid: '44444444-4444-4444-8888-000000000003',
      },
    ]);
  });

  it('reads a GPT whose protective MBR is gone', () => {
    expect(parsePartitionTable(gpt(NIXOS_GPT, { protective: false }), 64 * MIB).partitions).toHaveLength(2);
  });

  it('rejects a header checksum mismatch as image-corrupt', () => {
    const bad = gpt(NIXOS_GPT);
    bad[SECTOR + 40] = (bad[SECTOR + 40] ?? 0) ^ 1; // first usable LBA, inside the checksummed header
    const error = errorOf(() => parsePartitionTable(bad, 64 * MIB));
    expect(error.code).toBe('image-corrupt');
    expect(error.message).toContain('header checksum');
  });

  it('rejects an entry array checksum mismatch as image-corrupt', () => {
    const bad = gpt(NIXOS_GPT);
    bad[2 * SECTOR + 56] = (bad[2 * SECTOR + 56] ?? 0) ^ 1; // a byte of p1's name
    expect(errorOf(() => parsePartitionTable(bad, 64 * MIB)).message).toContain('partition entry checksum');
  });

  it('rejects a protective MBR without a GPT header as image-corrupt', () => {
    const protectiveOnly = mbr([{ slot: 1, type: 0xee, start: 1, sectors: 0xffffffff }]);
    const error = errorOf(() => parsePartitionTable(protectiveOnly, 64 * MIB));
    expect(error.code).toBe('image-corrupt');
    expect(error.message).toContain('"EFI PART"');
  });

  it('reports a cut-short GPT image as image-truncated', () => {
    const error = errorOf(() => parsePartitionTable(gpt(NIXOS_GPT), 40 * MIB));
    expect(error.code).toBe('image-truncated');
    expect(error.message).toContain('partition 2 needs 62 MiB');
  });

  it('gptBytesNeeded covers an entry array placed beyond the usual 34 sectors', () => {
    expect(gptBytesNeeded(gpt(NIXOS_GPT))).toBe(34 * SECTOR);
    expect(gptBytesNeeded(gpt(NIXOS_GPT, { entriesLba: 100 }))).toBe(100 * SECTOR + 128 * 128);
    expect(gptBytesNeeded(Buffer.alloc(34 * SECTOR))).toBe(34 * SECTOR);
  });

  it.each([
    ['far out (LBA 2^40)', 1n << 40n, undefined],
    ['just past the first MiB', 2048n, undefined],
    ['partly past 1 MiB (8192 entries from LBA 2)', 2n, 8192],
    ['on top of the header (LBA 1)', 1n, undefined],
  ])('refuses a crafted header whose entry array lies %s, without reading that far', (_, lba, count) => {
    const crafted = craftHeader(gpt(NIXOS_GPT), lba, count);
    expect(gptBytesNeeded(crafted)).toBeLessThanOrEqual(MAX_GPT_REACH);
    const error = errorOf(() => parsePartitionTable(crafted, 4 * 1024 * MIB));
    expect(error.code).toBe('image-corrupt');
    expect(error.message).toMatch(/entry array .* (lies outside the first MiB|is implausible)/);
  });

  it('still reads an entry array that ends exactly at 1 MiB', () => {
    const lba = (MAX_GPT_REACH - 128 * 128) / SECTOR;
    expect(gptBytesNeeded(gpt(NIXOS_GPT, { entriesLba: lba }))).toBe(MAX_GPT_REACH);
    expect(parsePartitionTable(gpt(NIXOS_GPT, { entriesLba: lba }), 64 * MIB).partitions).toHaveLength(2);
  });

  it('formats GUIDs mixed-endian, as on disk', () => {
    expect(formatGuid(guidBytes(GPT_TYPE.linuxFilesystem))).toBe(GPT_TYPE.linuxFilesystem);
    const raw = Buffer.from('af3dc60f838472478e793d69d8477de4', 'hex');
    expect(formatGuid(raw)).toBe('0fc63daf-8483-4772-8e79-3d69d8477de4');
  });
});

describe('readPartitionTable', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'partition-table-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads further when the GPT entries lie past 34 sectors', async () => {
    const file = path.join(dir, 'far-entries.img');
    const head = gpt(NIXOS_GPT, { entriesLba: 100 });
    await writeFile(file, Buffer.concat([head, Buffer.alloc(64 * MIB - head.length)]));
    expect((await readPartitionTable(file)).partitions.map((p) => p.name)).toEqual(['FIRMWARE', 'NIXOS_SD']);
  });

  it('reads no more than the first MiB of a crafted GPT that points its entries 1 TiB in', async () => {
    const file = path.join(dir, 'crafted.img');
    await writeFile(file, craftHeader(gpt(NIXOS_GPT), 1n << 31n));
    await truncate(file, 2 * 1024 * 1024 * MIB); // sparse: 2 TiB claimed, a few KiB on disk
    const error = await readPartitionTable(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image-corrupt' });
    expect((error as ImageError).message).toContain('outside the first MiB');
  });

  it('says a compressed image must be decompressed first', async () => {
    const file = path.join(dir, 'image.img.zst');
    await writeFile(file, Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(4096)]));
    const error = await readPartitionTable(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image-no-partition-table' });
    expect((error as ImageError).message).toContain('still zstd-compressed');
  });
});
