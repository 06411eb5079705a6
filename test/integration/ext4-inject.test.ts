import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { runDebugfsScript, assertCommandsSucceeded } from '../../src/image/ext4/debugfs.js';
import { Ext4Error } from '../../src/image/ext4/ext4-error.js';
import { injectFiles, type InjectFile } from '../../src/image/ext4/inject-files.js';
import { injectionCommands, pathsToLookUp, planInjection } from '../../src/image/ext4/inject-plan.js';
import {
  checkFilesystem,
  lookUpPaths,
  pathExists,
  readBackFiles,
  verifyInjectedFiles,
} from '../../src/image/ext4/read-back.js';
import { withSecureTempDir, writeSecretFile } from '../../src/secrets/secure-temp.js';
import { BOOTSTRAP_KEY_PATH, OLD_BOOTSTRAP_KEY, buildSdImage, ROOT_OFFSET } from '../fixtures/sd-image.js';

const MIB = 1024 * 1024;
const SBIN_PATH = `/usr/sbin:/sbin:${process.env.PATH ?? ''}`;

// ---- Independent checks: the real tools, called directly, never through the code under test. ----

function spec(image: string, offset: number): string {
  return offset === 0 ? image : `${image}?offset=${offset}`;
}

function debugfsRaw(image: string, offset: number, request: string): { stdout: Buffer; stderr: string } {
  const result = spawnSync('debugfs', ['-R', request, spec(image, offset)], {
    env: { ...process.env, PATH: SBIN_PATH, LC_ALL: 'C' },
    maxBuffer: 64 * MIB,
  });
  return { stdout: result.stdout, stderr: result.stderr.toString() };
}

function catDirect(image: string, offset: number, file: string): Buffer {
  return debugfsRaw(image, offset, `cat "${file}"`).stdout;
}

function statDirect(image: string, offset: number, file: string) {
  const text = debugfsRaw(image, offset, `stat "${file}"`).stdout.toString();
  if (!text.includes('Inode:')) return null;
  const num = (re: RegExp) => Number(re.exec(text)?.[1]);
  return {
    type: /Type: (\w+)/.exec(text)?.[1],
    mode: parseInt(/Mode:\s+(\d+)/.exec(text)?.[1] ?? '', 8),
    uid: num(/User:\s+(\d+)/),
    gid: num(/Group:\s+(\d+)/),
    size: num(/Size: (\d+)/),
  };
}

function fsckDirect(image: string, offset: number): { status: number | null; output: string } {
  const result = spawnSync('e2fsck', ['-fn', spec(image, offset)], {
    env: { ...process.env, PATH: SBIN_PATH },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function run(file: string, args: string[]): void {
  const result = spawnSync(file, args, { env: { ...process.env, PATH: SBIN_PATH } });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${result.stderr}`);
}

// ---- Images ----

let work: string;
let counter = 0;

/** A bare ext4 (offset 0) or one inside a bigger file at `offset`, made by mkfs.ext4 -d from `tree`. */
function makeExt4Image(tree: string, offset: number, sizeMiB = 64): string {
  const image = path.join(work, `custom-${counter++}.img`);
  writeFileSync(image, '');
  run('truncate', ['-s', String(offset + sizeMiB * MIB), image]);
  const args = ['-q', '-F', '-L', 'NIXOS_SD', '-d', tree];
  if (offset > 0) args.push('-E', `offset=${offset}`);
  run('mkfs.ext4', [...args, image, `${sizeMiB}M`]);
  return image;
}

function copyImage(source: string): string {
  const copy = path.join(work, `copy-${counter++}.img`);
  copyFileSync(source, copy);
  return copy;
}

function newTree(): string {
  const tree = path.join(work, `tree-${counter++}`);
  mkdirSync(path.join(tree, 'etc'), { recursive: true });
  writeFileSync(path.join(tree, 'etc/hostname'), 'nixos\n');
  mkdirSync(path.join(tree, 'nix/store'), { recursive: true });
  return tree;
}

const KEY = Buffer.from(
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
);
const PUB = Buffer.from(
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHz+U0YtjINc54dZiJNclfmEFifF7RXCFlNlTbuZBji root@pi\n',
);
const ENV = Buffer.from('WIFI_SSID="home"\nWIFI_PSK="p\\"w"\n');

const BOOTSTRAP: InjectFile[] = [
  { path: '/var/lib/bootstrap/ssh_host_ed25519_key', content: KEY, mode: 0o600, uid: 0, gid: 0 },
  { path: '/var/lib/bootstrap/ssh_host_ed25519_key.pub', content: PUB, mode: 0o644, uid: 0, gid: 0 },
  { path: '/var/lib/networkmanager/system-connections.env', content: ENV, mode: 0o600, uid: 0, gid: 0 },
];
const NEW_DIRS = ['/var', '/var/lib', '/var/lib/bootstrap', '/var/lib/networkmanager'];

const layouts: { name: string; offset: number; image: () => string }[] = [];
let bareImage = '';
let sdImage = '';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ext4-inject-'));
  bareImage = makeExt4Image(newTree(), 0);
  // The NixOS-like sdImage (MBR, FAT firmware, ext4 NIXOS_SD at 38 MiB); 26 MiB root makes a 64 MiB image.
  sdImage = (await buildSdImage(work, { rootMiB: 26 })).path;
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

layouts.push(
  { name: 'a bare ext4 at offset 0', offset: 0, image: () => copyImage(bareImage) },
  { name: 'the sdImage root at 38 MiB', offset: ROOT_OFFSET, image: () => copyImage(sdImage) },
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

describe('what is in the way', () => {
  it('a directory where a file should go is an error, and the image is untouched', async () => {
    const tree = newTree();
    mkdirSync(path.join(tree, 'var/lib/bootstrap/ssh_host_ed25519_key'), { recursive: true });
    const image = makeExt4Image(tree, 3 * MIB);
    const before = sha256File(image);
    const error = await injectFiles({ image, offset: 3 * MIB, files: BOOTSTRAP }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ext4-wrong-type' });
    expect((error as Error).message).toMatch(
      /ssh_host_ed25519_key in the image is a directory, not a regular file/,
    );
    expect(sha256File(image)).toBe(before);
  });

  it('a symlinked /var/lib is not written through', async () => {
    const tree = newTree();
    mkdirSync(path.join(tree, 'var'), { recursive: true });
    mkdirSync(path.join(tree, 'elsewhere'));
    symlinkSync('/elsewhere', path.join(tree, 'var/lib'));
    const image = makeExt4Image(tree, 0);
    const error = await injectFiles({ image, offset: 0, files: BOOTSTRAP }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ext4-wrong-type',
      message: expect.stringMatching(/^\/var\/lib in the image is a symlink/),
    });
    expect(statDirect(image, 0, '/elsewhere/bootstrap')).toBeNull();
  });

  it('an existing file owned by someone else with other modes is still replaced by ours', async () => {
    const tree = newTree();
    mkdirSync(path.join(tree, 'var/lib/bootstrap'), { recursive: true });
    const old = path.join(tree, 'var/lib/bootstrap/ssh_host_ed25519_key');
    writeFileSync(old, 'old, longer than the new key '.repeat(10));
    chmodSync(old, 0o4755);
    if (process.getuid?.() === 0) chownSync(old, 1000, 1000);
    const image = makeExt4Image(tree, 0);
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
      const image = copyImage(source());
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

describe('the pieces on the real tools', () => {
  it('pathExists finds what the root-partition search looks for', async () => {
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/nix/store' })).toBe(true);
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/etc' })).toBe(true);
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/var' })).toBe(false);
    expect(await pathExists({ image: sdImage, offset: ROOT_OFFSET, path: '/etc/os-release/x' })).toBe(false);
  });

  it('a failing command is attributed to itself; the neighbours are not blamed', async () => {
    const image = copyImage(bareImage);
    const commands = ['stat "/etc"', 'rm "/nope"', 'stat "/etc/hostname"'];
    const output = await runDebugfsScript({ image, offset: 0 }, commands, { write: true });
    expect(output.commands.map((c) => c.errors.length)).toEqual([0, 1, 0]);
    expect(output.commands[1]?.errors[0]).toMatch(/rm: File not found by ext2_lookup/);
    expect(() => assertCommandsSucceeded(output, { image, offset: 0 }, 'hint')).toThrow(
      expect.objectContaining({
        code: 'ext4-command-failed',
        detail: expect.objectContaining({ command: 'rm "/nope"' }),
      }),
    );
  });

  it('the `cd` write style for debugfs before 1.46.2 also works on this debugfs', async () => {
    const image = copyImage(sdImage);
    const target = { image, offset: ROOT_OFFSET };
    const { found } = await lookUpPaths(target, pathsToLookUp(BOOTSTRAP));
    const plan = planInjection(BOOTSTRAP, found);
    await withSecureTempDir(async (dir) => {
      const hosts = await Promise.all(BOOTSTRAP.map((f, i) => writeSecretFile(dir, `f${i}`, f.content)));
      const { prepare, write } = injectionCommands(plan, BOOTSTRAP, hosts, 'cd');
      assertCommandsSucceeded(await runDebugfsScript(target, prepare, { write: true }), target, '');
      assertCommandsSucceeded(await runDebugfsScript(target, write, { write: true }), target, '');
    });
    const readBack = await readBackFiles({ ...target, paths: BOOTSTRAP.map((f) => f.path) });
    expect(verifyInjectedFiles(BOOTSTRAP, readBack)).toEqual([]);
    await checkFilesystem(target);
  });

  it('leaves no secret temp files behind', async () => {
    const scratch = path.join(work, 'tmp');
    mkdirSync(scratch);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      await injectFiles({ image: copyImage(bareImage), offset: 0, files: BOOTSTRAP });
      await injectFiles({
        image: copyImage(bareImage),
        offset: 0,
        files: [{ ...BOOTSTRAP[0]!, path: '/etc/x' }],
      }).catch(() => {});
    } finally {
      process.env.TMPDIR = saved;
    }
    expect(readdirSync(scratch)).toEqual([]);
  });
});
