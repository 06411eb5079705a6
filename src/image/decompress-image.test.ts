import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WriteImageProgress, writeImageTo } from './decompress-image.js';

const MIB = 1024 * 1024;
let dir = '';
let n = 0;
const out = () => path.join(dir, `out-${++n}.img`);

/** A small "disk": an MBR signature, then random data and zeros. */
function fakeDisk(size = 6 * MIB): Buffer {
  const disk = Buffer.alloc(size);
  disk[510] = 0x55;
  disk[511] = 0xaa;
  randomBytes(2 * MIB).copy(disk, MIB);
  return disk;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'write-image-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeImageTo (raw and gzip, no external tools)', () => {
  it('copies a raw image, hashes it and creates dest with mode 0600', async () => {
    const disk = fakeDisk();
    const source = path.join(dir, 'disk.img');
    await writeFile(source, disk);
    const dest = out();
    const progress: WriteImageProgress[] = [];
    const result = await writeImageTo({ source, dest, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ format: 'raw', bytesWritten: disk.length, sha256: sha256(disk) });
    expect((await readFile(dest)).equals(disk)).toBe(true);
    expect((await stat(dest)).mode & 0o777).toBe(0o600);
    expect(progress.at(-1)).toEqual({
      readBytes: disk.length,
      totalBytes: disk.length,
      writtenBytes: disk.length,
    });
  });

  it('decompresses gzip in-process, including multi-member files', async () => {
    const disk = fakeDisk();
    const source = path.join(dir, 'disk.img.gz');
    await writeFile(
      source,
      Buffer.concat([gzipSync(disk.subarray(0, 3 * MIB)), gzipSync(disk.subarray(3 * MIB))]),
    );
    const dest = out();
    expect(await writeImageTo({ source, dest })).toMatchObject({ format: 'gzip', sha256: sha256(disk) });
  });

  it('refuses an existing dest and leaves it alone', async () => {
    const source = path.join(dir, 'disk.img');
    await writeFile(source, fakeDisk());
    const dest = out();
    await writeFile(dest, 'precious');
    await expect(writeImageTo({ source, dest })).rejects.toMatchObject({ code: 'image-dest-exists' });
    expect(await readFile(dest, 'utf8')).toBe('precious');
  });

  it('rejects a truncated or corrupt gzip stream and removes dest', async () => {
    const packed = gzipSync(fakeDisk());
    const cut = path.join(dir, 'cut.img.gz');
    await writeFile(cut, packed.subarray(0, Math.floor(packed.length / 2)));
    const dest = out();
    const error = await writeImageTo({ source: cut, dest }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image-truncated' });
    expect((error as Error).message).toMatch(/had been decompressed when it stopped/);
    expect(existsSync(dest)).toBe(false);

    const bad = Buffer.from(packed);
    for (let i = 0; i < 16; i++)
      bad[Math.floor(bad.length / 2) + i] = (bad[Math.floor(bad.length / 2) + i] ?? 0) ^ 0xff;
    const corrupt = path.join(dir, 'bad.img.gz');
    await writeFile(corrupt, bad);
    const dest2 = out();
    await expect(writeImageTo({ source: corrupt, dest: dest2 })).rejects.toMatchObject({
      code: 'image-corrupt',
    });
    expect(existsSync(dest2)).toBe(false);
  });

  it('rejects a compressed file whose content is not a disk, and removes dest', async () => {
    const source = path.join(dir, 'notes.gz');
    await writeFile(source, gzipSync(Buffer.from('these are my notes, not a disk image\n'.repeat(100))));
    const dest = out();
    const error = await writeImageTo({ source, dest }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'image-no-partition-table' });
    expect((error as Error).message).toContain('text file');
    expect(existsSync(dest)).toBe(false);
  });

  it('does nothing when already cancelled, and reports a missing source plainly', async () => {
    const source = path.join(dir, 'disk.img');
    await writeFile(source, fakeDisk());
    const dest = out();
    const signal = AbortSignal.abort();
    await expect(writeImageTo({ source, dest, signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(dest)).toBe(false);
    await expect(writeImageTo({ source: path.join(dir, 'nope.img'), dest })).rejects.toMatchObject({
      code: 'image-not-found',
    });
  });
});
