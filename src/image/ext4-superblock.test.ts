import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTool } from '../tools/find-tool.js';
import { runToolOrThrow } from '../tools/run-tool.js';
import { withDiskReader } from './disk-reader.js';
import { featureNames } from './ext4-superblock-features.js';
import {
  SUPERBLOCK_OFFSET,
  SUPERBLOCK_SIZE,
  ext4Crc32c,
  parseExt4Superblock,
  readExt4Superblock,
} from './ext4-superblock.js';

const UUID = '44444444-4444-4444-8888-888888888888';
const MIB = 1024 * 1024;
let dir = '';

async function mkfs(file: string, extra: string[], size = '8M'): Promise<void> {
  await runToolOrThrow(await findTool('mkfs.ext4'), [
    '-q',
    '-F',
    '-L',
    'NIXOS_SD',
    '-U',
    UUID,
    ...extra,
    file,
    size,
  ]);
}

/** The superblock read through the disk reader, as provisioning and the card check read it. */
function superblockOf(file: string, offset: number) {
  return withDiskReader(file, (disk) => readExt4Superblock(disk, offset));
}

async function superblockBytes(file: string, offset = 0): Promise<Buffer> {
  const data = await readFile(file);
  return Buffer.from(data.subarray(offset + SUPERBLOCK_OFFSET, offset + SUPERBLOCK_OFFSET + SUPERBLOCK_SIZE));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ext4-superblock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readExt4Superblock on real mkfs.ext4 output', () => {
  it('reads label, UUID, geometry and the NixOS-relevant features', async () => {
    const file = path.join(dir, 'root.img');
    await mkfs(file, ['-b', '4096', '-O', 'metadata_csum,64bit,orphan_file,metadata_csum_seed']);
    const sb = await superblockOf(file, 0);
    expect(sb).toMatchObject({
      label: 'NIXOS_SD',
      uuid: UUID,
      blockSize: 4096,
      blocksCount: 2048,
      sizeBytes: 8 * MIB,
      inodeSize: 256,
      checksumOk: true,
      errorsRecorded: false,
    });
    expect(sb?.featuresIncompat).toEqual(expect.arrayContaining(['64bit', 'metadata_csum_seed', 'extent']));
    expect(sb?.featuresRoCompat).toContain('metadata_csum');
    expect(sb?.featuresCompat).toContain('orphan_file');
  });

  it('names every feature exactly as debugfs does', async () => {
    const file = path.join(dir, 'many.img');
    const many =
      'metadata_csum_seed,orphan_file,inline_data,large_dir,encrypt,casefold,project,quota,verity,ea_inode';
    await mkfs(file, ['-O', `${many},mmp,sparse_super2,fast_commit,stable_inodes`], '64M');
    const { stdout } = await runToolOrThrow(await findTool('debugfs'), ['-R', 'features', file]);
    const expected = /Filesystem features:\s*(.*)/.exec(stdout)?.[1]?.trim().split(/\s+/);
    const sb = await superblockOf(file, 0);
    expect([
      ...(sb?.featuresCompat ?? []),
      ...(sb?.featuresIncompat ?? []),
      ...(sb?.featuresRoCompat ?? []),
    ]).toEqual(expected);
  });

  it('finds a file system at a byte offset, as inside a disk image', async () => {
    const file = path.join(dir, 'disk.img');
    await writeFile(file, Buffer.alloc(0));
    await mkfs(file, ['-E', `offset=${38 * MIB}`]);
    expect(await superblockOf(file, 38 * MIB)).toMatchObject({ label: 'NIXOS_SD', uuid: UUID });
    expect(await superblockOf(file, 0)).toBeNull();
  });

  it('returns null for zeros, for a short file and for a FAT file system', async () => {
    const zeros = path.join(dir, 'zeros.img');
    await writeFile(zeros, Buffer.alloc(64 * 1024));
    expect(await superblockOf(zeros, 0)).toBeNull();
    const short = path.join(dir, 'short.img');
    await writeFile(short, Buffer.alloc(1500));
    expect(await superblockOf(short, 0)).toBeNull();
    expect(parseExt4Superblock(Buffer.alloc(SUPERBLOCK_SIZE))).toBeNull();
  });

  it('notices a superblock whose checksum no longer matches, and recorded errors', async () => {
    const file = path.join(dir, 'csum.img');
    await mkfs(file, []);
    const sb = await superblockBytes(file);
    sb[120] = 'X'.charCodeAt(0); // first label byte, covered by the checksum
    sb.writeUInt16LE(sb.readUInt16LE(58) | 0x2, 58);
    expect(parseExt4Superblock(sb)).toMatchObject({
      label: 'XIXOS_SD',
      checksumOk: false,
      errorsRecorded: true,
    });
  });

  it('adds the high 32 bits of the block count on 64bit file systems', async () => {
    const file = path.join(dir, 'big.img');
    await mkfs(file, ['-b', '4096', '-O', '64bit']);
    const sb = await superblockBytes(file);
    sb.writeUInt32LE(1, 0x150);
    expect(parseExt4Superblock(sb)?.blocksCount).toBe(2 ** 32 + 2048);
    sb.writeUInt32LE(sb.readUInt32LE(96) & ~0x80, 96); // without 64bit the high word is not part of the count
    expect(parseExt4Superblock(sb)?.blocksCount).toBe(2048);
  });

  it('rejects an impossible block size even with the magic in place', () => {
    const sb = Buffer.alloc(SUPERBLOCK_SIZE);
    sb.writeUInt16LE(0xef53, 56);
    sb.writeUInt32LE(1000, 4);
    sb.writeUInt32LE(20, 24);
    expect(parseExt4Superblock(sb)).toBeNull();
  });
});

describe('ext4 helpers', () => {
  it('ext4Crc32c is CRC32C without the final inversion', () => {
    // Standard CRC32C("123456789") is e3069283; ext4 keeps the un-inverted register.
    expect(ext4Crc32c(Buffer.from('123456789'))).toBe(~0xe3069283 >>> 0);
  });

  it('featureNames lists set bits and names unknown ones like e2fsprogs', () => {
    expect(featureNames('incompat', 0x80 | 0x2000 | (2 ** 31))).toEqual([
      '64bit',
      'metadata_csum_seed',
      'FEATURE_I31',
    ]);
    expect(featureNames('ro_compat', 0x4)).toEqual(['FEATURE_R2']);
    expect(featureNames('compat', 0)).toEqual([]);
  });
});
