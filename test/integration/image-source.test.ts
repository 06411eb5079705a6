import { beforeAll, describe, expect, it } from 'vitest';
import { findRootPartition } from '../../src/provision/find-root-partition.js';
import { withDiskReader } from '../../src/image/disk-reader.js';
import { readExt4Superblock } from '../../src/image/ext4-superblock.js';
import { GPT_TYPE } from '../../src/image/partition-table-gpt.js';
import { readPartitionTable } from '../../src/image/partition-table.js';
import { findTool } from '../../src/tools/find-tool.js';
import { runTool, runToolOrThrow } from '../../src/tools/run-tool.js';
import {
  BOOTSTRAP_KEY_PATH,
  buildSdImage,
  HELLO_BIN,
  OLD_BOOTSTRAP_KEY,
  ROOT_UUID,
  type SdImageFixture,
} from '../fixtures/sd-image.js';
import { imageCaseFolders, MIB } from '../helpers/image-cases.js';

function superblockOf(file: string, offset: number) {
  return withDiskReader(file, (disk) => readExt4Superblock(disk, offset));
}

const { fresh } = imageCaseFolders('image-source-');

async function debugfs(fixture: SdImageFixture, request: string): Promise<string> {
  const target = `${fixture.path}?offset=${fixture.rootOffset}`;
  return (await runToolOrThrow(await findTool('debugfs'), ['-R', request, target])).stdout;
}

/** sfdisk's own reading of the table, to check ours against. */
async function sfdiskJson(file: string) {
  const { stdout } = await runToolOrThrow(await findTool('sfdisk'), ['--json', file]);
  return (
    JSON.parse(stdout) as {
      partitiontable: {
        label: string;
        partitions: { start: number; size: number; type: string; name?: string }[];
      };
    }
  ).partitiontable;
}

describe('the sdImage fixture, read back', () => {
  let image: SdImageFixture;
  beforeAll(async () => {
    image = await buildSdImage(await fresh(), { existingBootstrap: true });
  });

  it('has the NixOS layout: MBR, p1 FAT32 at 8 MiB (0x0b), p2 ext4 at 38 MiB', async () => {
    const table = await readPartitionTable(image.path);
    expect(table).toMatchObject({ scheme: 'mbr', diskId: '2178694e' });
    expect(table.partitions).toEqual([
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
    ]);
    const sfdisk = await sfdiskJson(image.path);
    expect(sfdisk.partitions.map((p) => [p.start * 512, p.size * 512, p.type])).toEqual([
      [8 * MIB, 30 * MIB, 'b'],
      [38 * MIB, 24 * MIB, '83'],
    ]);
  });

  it('p2 is ext4 NIXOS_SD with the fixed UUID and a valid superblock checksum', async () => {
    const sb = await superblockOf(image.path, 38 * MIB);
    expect(sb).toMatchObject({ label: 'NIXOS_SD', uuid: ROOT_UUID, blockSize: 4096, checksumOk: true });
    expect(sb?.featuresRoCompat).toContain('metadata_csum');
    expect(sb?.featuresIncompat).toContain('64bit');
    expect(await superblockOf(image.path, 8 * MIB)).toBeNull(); // FAT
    const root = await findRootPartition(image.path);
    expect(root).toMatchObject({ index: 2, offset: 38 * MIB, label: 'NIXOS_SD' });
  });

  it('holds the tree owned by root, with the old bootstrap key and no other /var', async () => {
    expect(await debugfs(image, `stat ${HELLO_BIN}`)).toMatch(/User:\s+0\s+Group:\s+0/);
    expect(await debugfs(image, 'cat /etc/os-release')).toContain('ID=nixos');
    expect(await debugfs(image, `cat ${BOOTSTRAP_KEY_PATH}`)).toBe(OLD_BOOTSTRAP_KEY);
    expect(await debugfs(image, `stat ${BOOTSTRAP_KEY_PATH}`)).toMatch(/Mode:\s+0644/);
    expect(await debugfs(image, 'ls -l /var/lib')).toContain('bootstrap');
    const check = await runTool(await findTool('e2fsck'), [
      '-fn',
      `${image.path}?offset=${image.rootOffset}`,
    ]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('has no /var unless asked, and /var/lib with varLib', async () => {
    const plain = await buildSdImage(await fresh());
    expect(await debugfs(plain, 'ls /')).not.toMatch(/\bvar\b/);
    const withVar = await buildSdImage(await fresh(), { varLib: true });
    expect(await debugfs(withVar, 'ls /var')).toMatch(/\blib\b/);
  });
});

describe('variants', () => {
  it('GPT: partitions carry names, type GUIDs and the boot attribute', async () => {
    const image = await buildSdImage(await fresh(), { table: 'gpt' });
    const table = await readPartitionTable(image.path);
    expect(table.scheme).toBe('gpt');
    expect(table.partitions.map((p) => [p.index, p.offset, p.size, p.type, p.name, p.bootable])).toEqual([
      [1, 8 * MIB, 30 * MIB, GPT_TYPE.microsoftBasicData, 'FIRMWARE', false],
      [2, 38 * MIB, 24 * MIB, GPT_TYPE.linuxFilesystem, 'NIXOS_SD', true],
    ]);
    const sfdisk = await sfdiskJson(image.path);
    expect(sfdisk.partitions.map((p) => p.name)).toEqual(['FIRMWARE', 'NIXOS_SD']);
    const root = await findRootPartition(image.path);
    expect((await superblockOf(image.path, root.offset))?.uuid).toBe(ROOT_UUID);
  });

  it('ext4Features forces features such as orphan_file', async () => {
    const image = await buildSdImage(await fresh(), { ext4Features: 'metadata_csum,64bit,orphan_file' });
    const sb = await superblockOf(image.path, image.rootOffset);
    expect(sb?.featuresCompat).toContain('orphan_file');
  });

  it.each(['vfat', 'none'] as const)('a %s root is no ext4 root', async (root) => {
    const image = await buildSdImage(await fresh(), { root });
    await expect(findRootPartition(image.path)).rejects.toMatchObject({ code: 'image-no-ext4-root' });
  });
});
describe('findRootPartition without the NIXOS_SD label', () => {
  it('takes the ext4 partition that holds /nix/store', async () => {
    const image = await buildSdImage(await fresh());
    // Relabel the root with the real tool; the search must fall back to the content.
    const relabel = await runTool(await findTool('debugfs'), [
      '-w',
      '-R',
      'set_super_value volume_name other',
      `${image.path}?offset=${image.rootOffset}`,
    ]);
    expect(relabel.code).toBe(0);
    expect(await findRootPartition(image.path)).toMatchObject({ index: 2, label: 'other' });
  });
});
