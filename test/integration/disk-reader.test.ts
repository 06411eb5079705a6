import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_READ_BYTES, withDiskReader } from '../../src/image/disk-reader.js';
import { ext4PartitionsOf } from '../../src/image/ext4-partitions.js';
import { readBackFiles } from '../../src/image/ext4/read-back.js';
import { readPartitionTableOf } from '../../src/image/partition-table.js';
import { detachLoopDevices, loopDevice } from '../helpers/loop-devices.js';

const MIB = 1024 * 1024;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'disk-reader-'));
});
afterEach(() => detachLoopDevices());
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the disk reader', () => {
  it('reads a regular file at offsets, short at its end, and refuses a read over the cap', async () => {
    const file = path.join(dir, 'small.img');
    await writeFile(file, Buffer.from('0123456789'));
    await withDiskReader(file, async (disk) => {
      expect(await disk.size()).toBe(10);
      expect((await disk.readAt(4, 3)).toString()).toBe('456');
      expect((await disk.readAt(8, 100)).toString()).toBe('89');
      await expect(disk.readAt(0, MAX_READ_BYTES + 1)).rejects.toThrow(RangeError);
    });
  });

  it('sizes a block device, which fstat says is empty', async () => {
    const device = await loopDevice(dir, 24 * MIB);
    expect(await withDiskReader(device, (disk) => disk.size())).toBe(24 * MIB);
  });

  it('finds the partition table and the ext4 partition of a card', async () => {
    const backing = path.join(dir, 'card.img');
    await writeFile(backing, '');
    await truncate(backing, 32 * MIB);
    execFileSync('sfdisk', ['-q', backing], { input: 'start=2048, size=20480, type=83\n' });
    // Not loopOver: it would empty the partitioned backing file.
    const card = execFileSync('losetup', ['--find', '--show', backing], { encoding: 'utf8' }).trim();
    try {
      execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'offset=1048576', '-L', 'NIXOS_SD', card, '10M']);
      const found = await withDiskReader(card, async (disk) =>
        ext4PartitionsOf(disk, await readPartitionTableOf(disk)),
      );
      expect(found.map((p) => [p.partition.offset, p.superblock.label])).toEqual([[MIB, 'NIXOS_SD']]);
    } finally {
      execFileSync('losetup', ['-d', card]);
    }
  });

  it('reads files back from ext4 on a block device only when asked to accept one', async () => {
    const content = path.join(dir, 'content');
    await mkdir(content, { recursive: true });
    await writeFile(path.join(content, 'hello'), 'hello card\n');
    const device = await loopDevice(dir, 16 * MIB);
    execFileSync('mkfs.ext4', ['-q', '-F', '-d', content, device]);
    const options = { image: device, offset: 0, paths: ['/hello'] };
    await expect(readBackFiles(options)).rejects.toMatchObject({ code: 'ext4-bad-image' });
    const [hello] = await readBackFiles({ ...options, acceptBlockDevice: true });
    expect(hello?.sha256).toBe(createHash('sha256').update('hello card\n').digest('hex'));
  });
});
