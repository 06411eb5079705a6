import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { writeImageTo, type WriteImageProgress } from '../../src/image/decompress-image.js';
import { findRootPartition } from '../../src/provision/find-root-partition.js';
import { withDiskReader } from '../../src/image/disk-reader.js';
import { readExt4Superblock } from '../../src/image/ext4-superblock.js';
import { sniffImageFormat } from '../../src/image/image-format.js';
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

function superblockOf(file: string, offset: number) {
  return withDiskReader(file, (disk) => readExt4Superblock(disk, offset));
}

const MIB = 1024 * 1024;
let dir = '';
let counter = 0;
/** A fresh folder per fixture, so file names never clash. */
const fresh = async () => mkdtemp(path.join(dir, `case-${++counter}-`));
const dest = (folder: string) => path.join(folder, 'decompressed.img.tmp');

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

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

/** Decompressor processes whose parent is this test process. */
function ourChildren(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return stat.includes(`(${name})`) && Number(fields[1]) === process.pid && fields[0] !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'image-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

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

describe('writeImageTo on fixture images', () => {
  it.each(['zstd', 'xz', 'gzip'] as const)(
    '%s decompresses byte-identical to the raw image',
    async (compress) => {
      const folder = await fresh();
      const image = await buildSdImage(folder, { compress });
      expect(await sniffImageFormat(image.compressedPath ?? '')).toBe(compress);
      const progress: WriteImageProgress[] = [];
      const out = dest(folder);
      const result = await writeImageTo({
        source: image.compressedPath ?? '',
        dest: out,
        onProgress: (p) => progress.push(p),
      });
      expect(result).toEqual({ format: compress, bytesWritten: image.imageSize, sha256: image.sha256 });
      expect(await sha256File(out)).toBe(image.sha256);
      expect(progress.at(-1)).toMatchObject({
        writtenBytes: image.imageSize,
        readBytes: progress.at(-1)?.totalBytes,
      });
      expect((await readPartitionTable(out)).partitions).toHaveLength(2);
    },
  );

  it('a raw image is copied as is', async () => {
    const folder = await fresh();
    const image = await buildSdImage(folder);
    expect(await writeImageTo({ source: image.path, dest: dest(folder) })).toMatchObject({
      format: 'raw',
      sha256: image.sha256,
    });
  });

  it('a corrupt zstd stream fails as image-corrupt and leaves no dest', async () => {
    const folder = await fresh();
    const image = await buildSdImage(folder, { corrupt: 'zstd', padMiB: 4 });
    expect(await sniffImageFormat(image.compressedPath ?? '')).toBe('zstd');
    const out = dest(folder);
    const error = await writeImageTo({ source: image.compressedPath ?? '', dest: out }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'image-corrupt' });
    expect((error as Error).message).toMatch(/The zstd image is damaged: .+\. .* had been decompressed/);
    expect(existsSync(out)).toBe(false);
  });

  it('a cut-off .zst fails as image-truncated with how far it got', async () => {
    const folder = await fresh();
    const image = await buildSdImage(folder, { compress: 'zstd', padMiB: 8, truncateBy: 1024 * 1024 });
    const out = dest(folder);
    const error = await writeImageTo({ source: image.compressedPath ?? '', dest: out }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'image-truncated' });
    expect((error as Error).message).toMatch(/MiB \(\d+ bytes\) had been decompressed/);
    expect(existsSync(out)).toBe(false);
  });

  it('a truncated raw image is image-truncated from its partition table', async () => {
    const image = await buildSdImage(await fresh(), { truncateBy: 5 * MIB });
    const error = await readPartitionTable(image.path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image-truncated' });
    expect((error as Error).message).toContain('The image ends at 57 MiB');
    expect((error as Error).message).toContain('partition 2 needs 62 MiB');
  });

  it('a ZIP or a text file is image-unknown-format and creates nothing', async () => {
    const folder = await fresh();
    const zip = path.join(folder, 'image.img.zst');
    await writeFile(zip, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(4096, 7)]));
    const text = path.join(folder, 'image.img');
    await writeFile(text, '<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n');
    const out = dest(folder);
    const zipError = await writeImageTo({ source: zip, dest: out }).catch((e: unknown) => e);
    expect(zipError).toMatchObject({ code: 'image-unknown-format' });
    expect((zipError as Error).message).toContain('this looks like a ZIP archive');
    await expect(writeImageTo({ source: text, dest: out })).rejects.toMatchObject({
      code: 'image-unknown-format',
    });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a dest that already exists', async () => {
    const folder = await fresh();
    const image = await buildSdImage(folder, { compress: 'zstd' });
    const out = dest(folder);
    await writeFile(out, 'keep me');
    await expect(writeImageTo({ source: image.compressedPath ?? '', dest: out })).rejects.toMatchObject({
      code: 'image-dest-exists',
    });
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });

  it('cancel mid-decompression stops zstd promptly and removes dest', async () => {
    const folder = await fresh();
    const image = await buildSdImage(folder, { compress: 'zstd', padMiB: 192 });
    const out = dest(folder);
    const controller = new AbortController();
    let abortedAt = 0;
    let writtenAtAbort = 0;
    const error = await writeImageTo({
      source: image.compressedPath ?? '',
      dest: out,
      signal: controller.signal,
      onProgress: (p) => {
        if (abortedAt || p.writtenBytes < 16 * MIB) return;
        writtenAtAbort = p.writtenBytes;
        abortedAt = Date.now();
        controller.abort();
      },
    }).catch((e: unknown) => e);
    const stoppedIn = Date.now() - abortedAt;
    expect(error).toBeInstanceOf(CancelledError);
    expect(abortedAt).toBeGreaterThan(0);
    expect(writtenAtAbort).toBeLessThan(image.imageSize / 2); // stopped mid-way, not at the end
    expect(stoppedIn).toBeLessThan(1000);
    expect(existsSync(out)).toBe(false);
    expect(ourChildren('zstd')).toEqual([]);
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
