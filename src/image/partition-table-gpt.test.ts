import { describe, expect, it } from 'vitest';
import { GPT_TYPE, MAX_GPT_REACH, formatGuid, gptBytesNeeded } from './partition-table-gpt.js';
import { parsePartitionTable } from './partition-table.js';
import {
  MIB,
  NIXOS_GPT,
  SECTOR,
  craftHeader,
  gpt,
  guidBytes,
  mbr,
} from '../../test/fixtures/partition-tables.js';
import { thrownImageError as errorOf } from '../../test/helpers/rejection.js';

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
