import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { writeImageTo, type WriteImageProgress } from '../../src/image/decompress-image.js';
import { sniffImageFormat } from '../../src/image/image-format.js';
import { readPartitionTable } from '../../src/image/partition-table.js';
import { buildSdImage } from '../fixtures/sd-image.js';
import { imageCaseFolders, MIB } from '../helpers/image-cases.js';

const { fresh } = imageCaseFolders('image-source-decompress-');
const dest = (folder: string) => path.join(folder, 'decompressed.img.tmp');

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
    expect((error as Error).message).toMatch(
      /The zstd image is damaged: its data does not decode\. .* had been decompressed/,
    );
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

  it('names what a compressed file held when it is no disk image, once', async () => {
    const folder = await fresh();
    const page = path.join(folder, 'page.html');
    await writeFile(page, '<!DOCTYPE html><html><body>Sign in</body></html>\n'.repeat(50));
    execFileSync('zstd', ['-q', page, '-o', `${page}.img.zst`]);
    const error = await writeImageTo({ source: `${page}.img.zst`, dest: dest(folder) }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'The zstd file decompressed fine, but the result is not a disk image: it looks like an HTML page (often a download error or login page).',
    );
  });
});
