import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageError } from './image-errors.js';
import { parsePartitionTable, readPartitionTable } from './partition-table.js';
import { MIB, NIXOS_GPT, craftHeader, gpt, mbr } from '../../test/fixtures/partition-tables.js';
import { thrownImageError as errorOf } from '../../test/helpers/rejection.js';

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
