import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thrownImageError as errorOf } from '../../test/helpers/rejection.js';
import { detectImageFormat, hasPartitionTableSignature, sniffImageFormat } from './image-format.js';

/** A head of `size` bytes with `bytes` placed at `offset`. */
function head(parts: [offset: number, bytes: number[] | string][], size = 2048): Buffer {
  const buf = Buffer.alloc(size);
  for (const [offset, bytes] of parts) {
    (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes)).copy(buf, offset);
  }
  return buf;
}

describe('detectImageFormat', () => {
  it.each([
    ['zstd', head([[0, [0x28, 0xb5, 0x2f, 0xfd]]])],
    ['zstd', head([[0, [0x50, 0x2a, 0x4d, 0x18]]])], // pzstd opens with a skippable frame
    ['xz', head([[0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]]])],
    ['gzip', head([[0, [0x1f, 0x8b, 0x08]]])],
    ['raw', head([[510, [0x55, 0xaa]]])],
    ['raw', head([[512, 'EFI PART']])], // GPT whose protective MBR was wiped
  ])('%s from its magic bytes', (format, bytes) => {
    expect(detectImageFormat(bytes, 1 << 30)).toBe(format);
  });

  it('matches the compressed magics even in files shorter than a sector', () => {
    expect(detectImageFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]), 5)).toBe('zstd');
  });

  it.each([
    ['PK\x03\x04', 'a ZIP archive', 'Extract it'],
    ['7z\xbc\xaf\x27\x1c', 'a 7-Zip archive', 'Extract it'],
    ['BZh91AY', 'a bzip2 file', 'bunzip2'],
    ['QFI\xfb', 'a QEMU qcow2 disk', 'qemu-img convert'],
    ['version https://git-lfs.github.com/spec/v1\n', 'a Git LFS pointer', 'git lfs pull'],
    ['<!DOCTYPE html><html><body>Not Found</body></html>', 'an HTML page', 'Download the image again'],
    ['just some notes\nabout a pi\n', 'a text file', '.img.zst'],
  ])('says what %j looks like', (start, what, hint) => {
    const bytes = Buffer.from(start, 'latin1');
    const error = errorOf(() => detectImageFormat(bytes, 4096));
    expect(error.code).toBe('image-unknown-format');
    expect(error.message).toContain(`this looks like ${what}`);
    expect(error.hint).toContain(hint);
    expect(error.hint).toContain('.img, .img.zst, .img.xz or .img.gz');
  });

  it('recognises a bare ext4 file system, a tar archive and an ISO', () => {
    const ext4 = errorOf(() => detectImageFormat(head([[1080, [0x53, 0xef]]]), 1 << 20));
    expect(ext4.message).toContain('bare ext2/3/4 file system');
    const tar = errorOf(() =>
      detectImageFormat(
        head([
          [0, 'etc/'],
          [257, 'ustar'],
        ]),
        1 << 20,
      ),
    );
    expect(tar.message).toContain('tar archive');
    const iso = errorOf(() => detectImageFormat(head([[32769, 'CD001']], 34 * 1024), 1 << 20));
    expect(iso.message).toContain('ISO 9660');
  });

  it('describes zeros and unknown bytes', () => {
    expect(errorOf(() => detectImageFormat(Buffer.alloc(4096), 4096)).message).toContain('only zero bytes');
    const odd = errorOf(() => detectImageFormat(head([[0, [0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]]]), 4096));
    expect(odd.message).toContain('it starts with de ad be ef 01 02 03 04');
  });

  it('refuses empty and too-short files with image-too-small', () => {
    const empty = errorOf(() => detectImageFormat(Buffer.alloc(0), 0));
    expect(empty).toMatchObject({ code: 'image-too-small' });
    expect(empty.message).toContain('empty (0 bytes)');
    const short = errorOf(() => detectImageFormat(Buffer.from([1, 2, 3]), 3));
    expect(short).toMatchObject({ code: 'image-too-small' });
    expect(short.message).toContain('only 3 bytes');
  });

  it('hasPartitionTableSignature needs 55 AA at 510 or "EFI PART" at 512', () => {
    expect(hasPartitionTableSignature(head([[510, [0x55, 0xaa]]]))).toBe(true);
    expect(hasPartitionTableSignature(head([[510, [0xaa, 0x55]]]))).toBe(false);
    expect(hasPartitionTableSignature(Buffer.alloc(100))).toBe(false);
  });
});

describe('sniffImageFormat', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'image-format-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the magic from the file, never the name', async () => {
    const misnamed = path.join(dir, 'image.img.xz');
    await writeFile(misnamed, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    expect(await sniffImageFormat(misnamed)).toBe('zstd');
    const zip = path.join(dir, 'image.img');
    await writeFile(zip, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(600)]));
    await expect(sniffImageFormat(zip)).rejects.toMatchObject({ code: 'image-unknown-format' });
  });

  it('turns a missing file, a folder and an empty file into ImageErrors', async () => {
    await expect(sniffImageFormat(path.join(dir, 'nope.img'))).rejects.toMatchObject({
      code: 'image-not-found',
    });
    await expect(sniffImageFormat(dir)).rejects.toMatchObject({ code: 'image-unreadable' });
    const empty = path.join(dir, 'empty.img');
    await writeFile(empty, '');
    await expect(sniffImageFormat(empty)).rejects.toMatchObject({ code: 'image-too-small' });
  });
});
