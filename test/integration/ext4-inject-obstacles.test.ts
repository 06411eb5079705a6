import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ext4Error } from '../../src/image/ext4/ext4-error.js';
import { injectFiles } from '../../src/image/ext4/inject-files.js';
import { checkFilesystem, pathExists, readBackFiles } from '../../src/image/ext4/read-back.js';
import {
  BOOTSTRAP,
  KEY,
  copyImage,
  makeExt4Image,
  makeExt4Workspace,
  newTree,
} from '../fixtures/ext4-inject-images.js';
import { ROOT_OFFSET } from '../fixtures/sd-image.js';
import { sha256File, statDirect } from '../helpers/ext4-direct-checks.js';

// What stands in the way of an injection (a directory, a symlink, someone else's file) and a damaged or misplaced
// file system: a clear error, never success.
const MIB = 1024 * 1024;

let work = '';
let bareImage = '';
let sdImage = '';

beforeAll(async () => {
  ({ work, bareImage, sdImage } = await makeExt4Workspace());
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('what is in the way', () => {
  it('a directory where a file should go is an error, and the image is untouched', async () => {
    const tree = newTree(work);
    mkdirSync(path.join(tree, 'var/lib/bootstrap/ssh_host_ed25519_key'), { recursive: true });
    const image = makeExt4Image(work, tree, 3 * MIB);
    const before = sha256File(image);
    const error = await injectFiles({ image, offset: 3 * MIB, files: BOOTSTRAP }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ext4-wrong-type' });
    expect((error as Error).message).toMatch(
      /ssh_host_ed25519_key in the image is a directory, not a regular file/,
    );
    expect(sha256File(image)).toBe(before);
  });

  it('a symlinked /var/lib is not written through', async () => {
    const tree = newTree(work);
    mkdirSync(path.join(tree, 'var'), { recursive: true });
    mkdirSync(path.join(tree, 'elsewhere'));
    symlinkSync('/elsewhere', path.join(tree, 'var/lib'));
    const image = makeExt4Image(work, tree, 0);
    const error = await injectFiles({ image, offset: 0, files: BOOTSTRAP }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ext4-wrong-type',
      message: expect.stringMatching(/^\/var\/lib in the image is a symlink/),
    });
    expect(statDirect(image, 0, '/elsewhere/bootstrap')).toBeNull();
  });

  it('an existing file owned by someone else with other modes is still replaced by ours', async () => {
    const tree = newTree(work);
    mkdirSync(path.join(tree, 'var/lib/bootstrap'), { recursive: true });
    const old = path.join(tree, 'var/lib/bootstrap/ssh_host_ed25519_key');
    writeFileSync(old, 'old, longer than the new key '.repeat(10));
    chmodSync(old, 0o4755);
    if (process.getuid?.() === 0) chownSync(old, 1000, 1000);
    const image = makeExt4Image(work, tree, 0);
    await injectFiles({ image, offset: 0, files: BOOTSTRAP });
    expect(statDirect(image, 0, BOOTSTRAP[0]?.path ?? '')).toMatchObject({
      mode: 0o600,
      uid: 0,
      gid: 0,
      size: KEY.length,
    });
  });
});

describe('a damaged file system', () => {
  it.each([
    // e2fsck finds a backup superblock in the bare file system and reports the damage (exit 4) …
    ['a bare ext4', () => bareImage, 0, /not clean: errors were left uncorrected/],
    // … but inside the sdImage it gives up on the open (exit 8, "Found a dos partition table").
    [
      'the sdImage root',
      () => sdImage,
      ROOT_OFFSET,
      /not clean: e2fsck could not check it[\s\S]*Bad magic number/,
    ],
  ])(
    '%s with its superblock zeroed: a clear error, never success, nothing written',
    async (_name, source, offset, message) => {
      const image = copyImage(work, source());
      // Primary superblock: 1024 bytes at byte 1024 of the partition.
      const bytes = readFileSync(image);
      bytes.fill(0, offset + 1024, offset + 2048);
      writeFileSync(image, bytes);
      const before = sha256File(image);
      const error = await injectFiles({ image, offset, files: BOOTSTRAP }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Ext4Error);
      expect(error).toMatchObject({
        code: 'ext4-fsck-failed',
        message: expect.stringMatching(/^Nothing was written\. /),
      });
      expect((error as Error).message).toMatch(message);
      expect(sha256File(image)).toBe(before);
      await expect(readBackFiles({ image, offset, paths: ['/etc'] })).rejects.toMatchObject({
        code: 'ext4-open-failed',
        message: expect.stringMatching(/Bad magic number in super-block/),
      });
      await expect(pathExists({ image, offset, path: '/etc' })).rejects.toMatchObject({
        code: 'ext4-open-failed',
      });
    },
  );

  it('the wrong offset (the FAT partition) is "cannot check", not success', async () => {
    const error = await checkFilesystem({ image: sdImage, offset: 8 * MIB }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ext4-fsck-failed',
      message: expect.stringMatching(/could not check it/),
    });
    await expect(pathExists({ image: sdImage, offset: 8 * MIB, path: '/etc' })).rejects.toMatchObject({
      code: 'ext4-open-failed',
    });
  });

  it('an offset beyond the end of the image is refused up front', async () => {
    await expect(checkFilesystem({ image: sdImage, offset: 1 << 30 })).rejects.toMatchObject({
      code: 'ext4-bad-image',
    });
  });
});
