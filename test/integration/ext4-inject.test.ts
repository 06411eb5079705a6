import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { Ext4Error } from '../../src/image/ext4/ext4-error.js';
import { injectFiles, type InjectFile } from '../../src/image/ext4/inject-files.js';
import { readBackFiles, verifyInjectedFiles } from '../../src/image/ext4/read-back.js';
import {
  BOOTSTRAP,
  KEY,
  NEW_DIRS,
  PUB,
  copyImage,
  makeExt4Workspace,
} from '../fixtures/ext4-inject-images.js';
import { BOOTSTRAP_KEY_PATH, OLD_BOOTSTRAP_KEY, buildSdImage, ROOT_OFFSET } from '../fixtures/sd-image.js';
import { catDirect, fsckDirect, sha256File, statDirect } from '../helpers/ext4-direct-checks.js';

// injectFiles end to end on the real tools, into a bare ext4 and into the sdImage root, checked with debugfs and
// e2fsck directly.

let work = '';
let bareImage = '';
let sdImage = '';

beforeAll(async () => {
  ({ work, bareImage, sdImage } = await makeExt4Workspace());
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const layouts: { name: string; offset: number; image: () => string }[] = [];

layouts.push(
  { name: 'a bare ext4 at offset 0', offset: 0, image: () => copyImage(work, bareImage) },
  { name: 'the sdImage root at 38 MiB', offset: ROOT_OFFSET, image: () => copyImage(work, sdImage) },
);

describe.each(layouts)('injecting into $name', ({ offset, image: freshImage }) => {
  it('writes three files into a root without /var, checked with debugfs and e2fsck directly', async () => {
    const image = freshImage();
    expect(statDirect(image, offset, '/var')).toBeNull();
    const log: string[] = [];
    const started = performance.now();
    await injectFiles({ image, offset, files: BOOTSTRAP, log: (line) => log.push(line) });
    const elapsed = performance.now() - started;
    console.info(`inject + read-back + 2×fsck of 3 files (offset ${offset}): ${elapsed.toFixed(0)} ms`);

    for (const file of BOOTSTRAP) {
      expect(catDirect(image, offset, file.path).equals(Buffer.from(file.content)), file.path).toBe(true);
      expect(statDirect(image, offset, file.path), file.path).toEqual({
        type: 'regular',
        mode: file.mode,
        uid: 0,
        gid: 0,
        size: file.content.length,
      });
    }
    for (const dir of NEW_DIRS) {
      expect(statDirect(image, offset, dir), dir).toMatchObject({
        type: 'directory',
        mode: 0o755,
        uid: 0,
        gid: 0,
      });
    }
    expect(fsckDirect(image, offset)).toMatchObject({ status: 0 });
    // The log names paths, modes and the sizes of public files, never contents nor a secret's length (a PSK's).
    expect(log).toContain('Writing /var/lib/bootstrap/ssh_host_ed25519_key (0600, owner 0:0)');
    expect(log).toContain('Writing /var/lib/networkmanager/system-connections.env (0600, owner 0:0)');
    expect(log).toContain(
      `Writing /var/lib/bootstrap/ssh_host_ed25519_key.pub (0644, owner 0:0, ${PUB.length} bytes)`,
    );
    expect(log.join('\n')).toContain('Creating directory /var/lib/networkmanager (0755, owner 0:0)');
    expect(log.join('\n')).not.toContain('BEGIN OPENSSH');
    expect(log.join('\n')).not.toContain('WIFI_PSK');

    // Our own read-back agrees with debugfs, directories included.
    const readBack = await readBackFiles({
      image,
      offset,
      paths: [...NEW_DIRS, ...BOOTSTRAP.map((f) => f.path)],
    });
    expect(
      verifyInjectedFiles(
        BOOTSTRAP,
        readBack,
        NEW_DIRS.map((p) => ({ path: p, mode: 0o755, uid: 0, gid: 0 })),
      ),
    ).toEqual([]);
  });

  it('round-trips all 256 byte values, an empty file, a sparse block and a uid above 65535', async () => {
    const image = freshImage();
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    // A whole zero block in the middle: debugfs `write` turns it into a hole, which must still read back as zeros.
    const sparse = Buffer.concat([Buffer.alloc(4096, 1), Buffer.alloc(8192), Buffer.alloc(100, 2)]);
    const files: InjectFile[] = [
      { path: '/var/lib/blobs/all-bytes', content: allBytes, mode: 0o640, uid: 70000, gid: 65537 },
      { path: '/var/lib/blobs/empty', content: Buffer.alloc(0), mode: 0o600, uid: 0, gid: 0 },
      { path: '/var/lib/blobs/sparse', content: sparse, mode: 0o600, uid: 0, gid: 0 },
      {
        path: '/var/lib/with space/a file',
        content: Buffer.from('spaced\n'),
        mode: 0o644,
        uid: 1000,
        gid: 100,
      },
    ];
    await injectFiles({ image, offset, files });
    for (const file of files) {
      expect(catDirect(image, offset, file.path).equals(Buffer.from(file.content)), file.path).toBe(true);
      expect(statDirect(image, offset, file.path), file.path).toMatchObject({
        mode: file.mode,
        uid: file.uid,
        gid: file.gid,
      });
    }
    expect(fsckDirect(image, offset).status).toBe(0);
    const [bytes] = await readBackFiles({ image, offset, paths: ['/var/lib/blobs/all-bytes'] });
    expect(bytes?.sha256).toBe(createHash('sha256').update(allBytes).digest('hex'));
  });

  it('refuses /etc and escaping paths before the image is touched', async () => {
    const image = freshImage();
    const before = sha256File(image);
    for (const bad of ['/etc/x', '/var/lib/../../etc/x', '/var/lib/a"b']) {
      const error = await injectFiles({
        image,
        offset,
        files: [{ path: bad, content: KEY, mode: 0o600, uid: 0, gid: 0 }],
      }).catch((e: unknown) => e);
      expect(error, bad).toBeInstanceOf(Ext4Error);
      expect(error, bad).toMatchObject({ code: 'ext4-path-refused' });
    }
    expect(sha256File(image)).toBe(before);
  });

  it('is cancellable: before writing nothing changes; after writing it says so', async () => {
    const image = freshImage();
    const before = sha256File(image);
    await expect(
      injectFiles({ image, offset, files: BOOTSTRAP, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(CancelledError);
    // Abort while the first e2fsck runs, and just before the writes: each time nothing was written.
    for (const cue of ['before writing', 'Writing /var/lib/networkmanager']) {
      const controller = new AbortController();
      const error = await injectFiles({
        image,
        offset,
        files: BOOTSTRAP,
        signal: controller.signal,
        log: (line) => line.includes(cue) && controller.abort(),
      }).catch((e: unknown) => e);
      expect(error, cue).toBeInstanceOf(CancelledError);
      expect((error as Error).message, cue).toMatch(/before anything was written|was cancelled/);
    }
    expect(sha256File(image)).toBe(before);
    // Abort once the files are written: the error says in what state it left the image.
    const late = new AbortController();
    const lateError = await injectFiles({
      image,
      offset,
      files: BOOTSTRAP,
      signal: late.signal,
      log: (line) => line.startsWith('Reading the files back') && late.abort(),
    }).catch((e: unknown) => e);
    expect(lateError).toBeInstanceOf(CancelledError);
    expect((lateError as Error).message).toMatch(/after the files were written/);
    expect(catDirect(image, offset, BOOTSTRAP[0]?.path ?? '').equals(KEY)).toBe(true);
    expect(fsckDirect(image, offset).status).toBe(0);
  });
});

describe('an image that already has /var/lib and an old bootstrap key', () => {
  it('replaces the old file (0644, other bytes) with the new one at the right mode', async () => {
    const fixture = await buildSdImage(work, { existingBootstrap: true, name: 'existing' });
    const image = fixture.path;
    const offset = fixture.rootOffset;
    expect(catDirect(image, offset, BOOTSTRAP_KEY_PATH).toString()).toBe(OLD_BOOTSTRAP_KEY);
    expect(statDirect(image, offset, BOOTSTRAP_KEY_PATH)).toMatchObject({ mode: 0o644 });
    const varLib = statDirect(image, offset, '/var/lib');
    const log: string[] = [];
    await injectFiles({ image, offset, files: BOOTSTRAP, log: (line) => log.push(line) });
    expect(catDirect(image, offset, BOOTSTRAP_KEY_PATH).equals(KEY)).toBe(true);
    expect(statDirect(image, offset, BOOTSTRAP_KEY_PATH)).toMatchObject({ mode: 0o600, uid: 0, gid: 0 });
    // Existing directories are left as they were; only the missing one is created.
    expect(statDirect(image, offset, '/var/lib')).toEqual(varLib);
    expect(log.filter((line) => line.startsWith('Creating'))).toEqual([
      'Creating directory /var/lib/networkmanager (0755, owner 0:0)',
    ]);
    expect(log).toContain(`Removing the existing file ${BOOTSTRAP_KEY_PATH} to replace it`);
    expect(fsckDirect(image, offset).status).toBe(0);
  });
});
