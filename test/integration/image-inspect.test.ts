import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../../src/image/index.js';
import { buildSdImage } from '../fixtures/sd-image.js';
import { tempCore } from '../helpers/temp-core.js';

/** Checking an image the moment it is chosen: real images, real zstd/xz, files that only pretend. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'image-inspect-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('inspectImage', () => {
  it('reads a raw sdImage: its table, its partitions and the ext4 root label', async () => {
    const fixture = await buildSdImage(join(dir, 'raw'));
    const seen = await inspectImage(fixture.path);
    expect(seen).toMatchObject({
      format: 'raw',
      imageBytes: fixture.imageSize,
      partitionTable: 'mbr',
      fullyChecked: true,
      problem: null,
    });
    expect(seen.partitions.map((p) => p.ext4Label)).toEqual([null, 'NIXOS_SD']);
  });

  it.each(['zstd', 'xz', 'gzip'] as const)(
    'reads a .%s image by its headers and first MiB',
    async (compress) => {
      const fixture = await buildSdImage(join(dir, compress), { compress, table: 'gpt' });
      const seen = await inspectImage(fixture.compressedPath!);
      expect(seen).toMatchObject({ partitionTable: 'gpt', fullyChecked: false, problem: null });
      expect(seen.imageBytes).toBe(compress === 'gzip' ? null : fixture.imageSize);
      expect(seen.partitions).toHaveLength(2);
    },
  );

  it.each(['zstd', 'xz'] as const)(
    'says a cut-off .%s is cut off, before anything reads it whole',
    async (compress) => {
      const fixture = await buildSdImage(join(dir, `cut-${compress}`), {
        compress,
        truncateBy: 4096,
        padMiB: 4,
      });
      const seen = await inspectImage(fixture.compressedPath!);
      expect(seen.problem).toMatchObject({
        code: 'image-truncated',
        message: expect.stringMatching(/cut off or damaged/),
      });
    },
  );

  it('says a raw image whose partitions reach past its end is cut off, with what is missing', async () => {
    const fixture = await buildSdImage(join(dir, 'cut-raw'), { truncateBy: 1024 * 1024 });
    const seen = await inspectImage(fixture.path);
    expect(seen.problem?.code).toBe('image-truncated');
  });

  it('names what a file that is no image is: an HTML page called .img.zst, a text file, a bare file system', async () => {
    const html = join(dir, 'download.img.zst');
    await writeFile(html, '<!DOCTYPE html><html><body>Sign in to continue</body></html>\n');
    expect((await inspectImage(html)).problem?.message).toMatch(
      /not a disk image: this looks like an HTML page/,
    );
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello\n'.repeat(200));
    expect((await inspectImage(text)).problem?.message).toMatch(/this looks like a text file/);
    const bare = join(dir, 'rootfs.img');
    await writeFile(bare, '');
    await truncate(bare, 8 * 1024 * 1024);
    execFileSync('mkfs.ext4', ['-q', '-F', bare]);
    expect((await inspectImage(bare)).problem?.message).toMatch(
      /a bare ext2\/3\/4 file system without a partition table/,
    );
  });

  it('says a missing file or a folder is not an image', async () => {
    expect((await inspectImage(join(dir, 'nope.img'))).problem?.message).toMatch(/There is no file/);
    expect((await inspectImage(dir)).problem?.message).toMatch(/is a folder/);
  });

  it('makes provisioning refuse a cut-off .zst at its check, before a task exists', async () => {
    const fixture = await buildSdImage(join(dir, 'provision-cut'), {
      compress: 'zstd',
      truncateBy: 4096,
      padMiB: 4,
    });
    const temp = await tempCore('image-inspect-core-');
    try {
      const request = {
        host: 'pi',
        dest: join(temp.dir, 'pi.img'),
        imagePath: fixture.compressedPath!,
        noWifi: true,
      };
      await expect(temp.core.provision.check(request)).rejects.toMatchObject({ code: 'image-truncated' });
      await expect(temp.core.provision.start(request)).rejects.toMatchObject({ code: 'image-truncated' });
      expect(temp.core.tasks.list()).toEqual([]);
    } finally {
      await temp.dispose();
    }
  });

  it('makes flashing refuse a cut-off .xz before any drive is touched', async () => {
    const fixture = await buildSdImage(join(dir, 'flash-cut'), {
      compress: 'xz',
      truncateBy: 4096,
      padMiB: 4,
    });
    const temp = await tempCore('image-inspect-flash-');
    try {
      const start = temp.core.flash.start({
        image: fixture.compressedPath!,
        devices: ['/dev/nonexistent-card'],
      });
      await expect(start).rejects.toMatchObject({
        code: 'image-truncated',
        message: expect.stringMatching(/cut off or damaged.*Nothing was written\.$/),
      });
    } finally {
      await temp.dispose();
    }
  });
});
