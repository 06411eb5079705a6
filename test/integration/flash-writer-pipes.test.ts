// What the root writer does with arguments. Linux: it takes none, so no argv path is ever opened as root. macOS:
// the two FIFOs the app made, judged on the opened descriptors; that check runs here on Linux, as root, against
// real FIFOs, links and files owned by other users.
import { execFileSync, spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import {
  closeSync,
  constants,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writerHelperScript } from '../../src/flash/elevate/run-privileged-writer.js';
import { fifoStreams, openProtocolFifos } from '../../src/flash/elevate/writer-fifos.js';
import { detachLoopDevices, loopDevice } from '../helpers/loop-devices.js';

const USER = 65534;
const OTHER = 4242;
let base: string;
let dir: string;
/** The app's ends of the pipes: it holds both open read-write before the writer starts. */
let appEnds: number[] = [];

async function fifo(file: string, uid = USER): Promise<string> {
  execFileSync('mkfifo', ['-m', '600', file]);
  await chown(file, uid, uid);
  appEnds.push(openSync(file, constants.O_RDWR | constants.O_NONBLOCK));
  return file;
}

async function privateDir(name: string, uid = USER, mode = 0o700): Promise<string> {
  const made = path.join(base, name);
  await mkdir(made);
  await chmod(made, mode);
  await chown(made, uid, uid);
  return made;
}

const refusal = (run: () => unknown): string => {
  try {
    const opened = run() as { input: number; output: number };
    closeSync(opened.input);
    closeSync(opened.output);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('flash-writer-pipes-refused');
    return (error as Error).message;
  }
  throw new Error('the pipes were accepted');
};

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'writer-pipes-'));
  dir = await privateDir('app');
});

afterEach(async () => {
  for (const fd of appEnds) closeSync(fd);
  appEnds = [];
  await rm(base, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0)('the writer on Linux takes no arguments', () => {
  it('refuses --in/--out (and anything else) before opening anything: nothing created or truncated', async () => {
    expect(existsSync(writerHelperScript()), 'run `node scripts/build.mjs` first').toBe(true);
    const target = path.join(base, 'profile.sh');
    await writeFile(target, 'keep me\n');
    const before = await stat(target);
    const made = path.join(base, 'created-by-root');
    for (const args of [
      ['--in', await fifo(path.join(dir, 'in')), '--out', target],
      ['--in', made, '--out', made],
    ]) {
      const result = spawnSync(process.execPath, [writerHelperScript(), ...args], {
        encoding: 'utf8',
        input: '',
      });
      expect(result.status).toBe(2);
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'flash-writer-usage' } });
    }
    expect(await readFile(target, 'utf8')).toBe('keep me\n');
    expect((await stat(target)).mtimeMs).toBe(before.mtimeMs);
    expect(existsSync(made)).toBe(false);
  });
});

describe.skipIf(process.getuid?.() !== 0)(
  'the writer finds whom it writes for without running a program',
  () => {
    afterEach(() => detachLoopDevices());

    it('looks up the pkexec user in a NixOS-like environment (no id, no /usr/bin on PATH)', async () => {
      const device = await loopDevice(base, 16 * 1024 * 1024);
      const secret = path.join(base, 'secret.img');
      await writeFile(secret, Buffer.alloc(4096));
      await chmod(secret, 0o600);
      const request = JSON.stringify({ v: 1, source: secret, devices: [device], verify: false });
      const result = spawnSync(process.execPath, [writerHelperScript()], {
        encoding: 'utf8',
        input: `${request}\n`,
        env: { PATH: '/run/current-system/sw/bin:/run/wrappers/bin', PKEXEC_UID: String(USER) },
      });
      // Got as far as opening the image as that user (who may not read it): the lookup itself needed nothing.
      expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({
        error: {
          code: 'flash-source-refused',
          message: expect.stringContaining('not readable by your account'),
        },
      });
    });
  },
);

describe.skipIf(process.getuid?.() !== 0)('the macOS pipes check (openProtocolFifos), run on Linux', () => {
  it("accepts the app's two FIFOs in its 0700 folder, takes the user from their fstat, and talks over them", async () => {
    const opened = openProtocolFifos(await fifo(path.join(dir, 'in')), await fifo(path.join(dir, 'out')));
    expect(opened.uid).toBe(USER);
    const { input, output } = fifoStreams(opened);
    const [toWriter, fromWriter] = appEnds as [number, number];
    const heard = new Promise<string>((resolve) =>
      input.once('data', (chunk: Buffer) => resolve(chunk.toString())),
    );
    writeSync(toWriter, '{"cancel":true}\n');
    expect(await heard).toBe('{"cancel":true}\n');
    await new Promise<void>((resolve) => output.write('{"log":"hi"}\n', () => resolve()));
    const back = Buffer.alloc(64);
    expect(back.toString('utf8', 0, readSync(fromWriter, back))).toBe('{"log":"hi"}\n');
    input.destroy();
    output.destroy();
  });

  it('opens nothing in a folder swapped in for the checked one after its check', async () => {
    const input = await fifo(path.join(dir, 'in'));
    const output = await fifo(path.join(dir, 'out'));
    const evil = await privateDir('evil', OTHER);
    await fifo(path.join(evil, 'in'), OTHER);
    execFileSync('mkfifo', ['-m', '600', path.join(evil, 'out')]);
    // Linux reports HUP to a FIFO's reader only once a writer has come and gone: that is how an open is seen.
    const reader = new Socket({
      fd: openSync(path.join(evil, 'out'), constants.O_RDONLY | constants.O_NONBLOCK),
    });
    const writerCame = new Promise<boolean>((resolve) => {
      reader.once('end', () => resolve(true));
      reader.resume();
      setTimeout(() => resolve(false), 500);
    });
    const swap = () => {
      renameSync(dir, `${dir}.checked`);
      symlinkSync(evil, dir);
    };
    expect(refusal(() => openProtocolFifos(input, output, swap))).toMatch(
      /changed while they were being checked/,
    );
    expect(await writerCame).toBe(false);
    reader.destroy();
    rmSync(dir);
    renameSync(`${dir}.checked`, dir);
  });

  it('refuses a FIFO behind a symbolic link', async () => {
    const real = await fifo(path.join(dir, 'real'));
    await symlink(real, path.join(dir, 'in'));
    expect(refusal(() => openProtocolFifos(path.join(dir, 'in'), path.join(dir, 'real')))).toMatch(
      /symbolic link/,
    );
  });

  it("refuses a FIFO owned by another user than the folder's (no one else's uid can be borrowed)", async () => {
    const input = await fifo(path.join(dir, 'in'), OTHER);
    expect(refusal(() => openProtocolFifos(input, path.join(dir, 'out')))).toMatch(/cannot be opened/);
    await fifo(path.join(dir, 'out'));
    expect(refusal(() => openProtocolFifos(input, path.join(dir, 'out')))).toMatch(/do not both belong/);
  });

  it('refuses a folder that is not private, or not the pipe owner’s, or reached through a link', async () => {
    for (const [name, uid, mode] of [
      ['open', USER, 0o755],
      ['foreign', OTHER, 0o700],
    ] as const) {
      const folder = await privateDir(name, uid, mode);
      const input = await fifo(path.join(folder, 'in'));
      const output = await fifo(path.join(folder, 'out'));
      expect(refusal(() => openProtocolFifos(input, output))).toMatch(/private \(0700\) folder/);
    }
    await symlink(dir, path.join(base, 'link'));
    await fifo(path.join(dir, 'in'));
    await fifo(path.join(dir, 'out'));
    const via = path.join(base, 'link');
    expect(refusal(() => openProtocolFifos(`${via}/in`, `${via}/out`))).toMatch(/not a real folder path/);
  });

  it('refuses a regular file without changing it, root-owned pipes, and paths that do not exist', async () => {
    const input = await fifo(path.join(dir, 'in'));
    const file = path.join(dir, 'out');
    await writeFile(file, 'keep me\n');
    await chown(file, USER, USER);
    expect(refusal(() => openProtocolFifos(input, file))).toMatch(/not both FIFOs/);
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
    const root = await privateDir('root', 0);
    const rootPipes = [await fifo(path.join(root, 'in'), 0), await fifo(path.join(root, 'out'), 0)] as const;
    expect(refusal(() => openProtocolFifos(...rootPipes))).toMatch(/non-root/);
    const missing = path.join(dir, 'missing');
    expect(refusal(() => openProtocolFifos(input, missing))).toMatch(/ENOENT/);
    expect(existsSync(missing)).toBe(false);
  });
});
