// The root writer works with the permissions of the user who asked (PKEXEC_UID), never root's: a loop device counts
// as "a file posing as a disk" only over a file that user may write; what lies in folders the user cannot open stays
// unknown to them; and the stale-pin sweep touches only what root itself made. Real loop devices, real uids.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pinFolder, sweepStalePins } from '../../src/flash/elevate/checked-source.js';
import { writerHelperScript } from '../../src/flash/elevate/run-privileged-writer.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopOver, sha256OfDevice } from '../helpers/loop-devices.js';
import { doneOf, errorOf, runHelper } from '../helpers/writer-runs.js';

const MIB = 1024 * 1024;
const USER = 65534;
const asUser = { PKEXEC_UID: String(USER) };
const zeros = createHash('sha256').update(Buffer.alloc(MIB)).digest('hex');
/** Root's own folder (0700) and one the user may enter. */
let priv = '';
let pub = '';
let image: SdImageFixture;

beforeAll(async () => {
  expect(existsSync(writerHelperScript()), 'run `node scripts/build.mjs` first').toBe(true);
  priv = await mkdtemp(path.join(tmpdir(), 'writer-root-only-'));
  pub = await mkdtemp(path.join(tmpdir(), 'writer-user-'));
  await chmod(pub, 0o755);
  image = await buildSdImage(path.join(pub, 'img'));
}, 300_000);

afterEach(() => detachLoopDevices());

afterAll(async () => {
  await Promise.all([priv, pub].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

describe.skipIf(process.getuid?.() !== 0)('loop devices, by whose file they stand for', () => {
  it('refuses a loop over a root-only 0600 file when a user asks, and writes one over that user’s own file', async () => {
    const rootDisk = await loopOver(path.join(priv, 'rootdisk.img'), image.imageSize + 16 * MIB);
    await chmod(path.join(priv, 'rootdisk.img'), 0o600);
    const refused = await runHelper({ source: image.path, devices: [rootDisk] }, asUser);
    expect(refused.code).toBe(1);
    expect(errorOf(refused)).toMatchObject({
      code: 'flash-device-refused',
      message: expect.stringContaining('a file your account may not write'),
    });
    expect(await sha256OfDevice(rootDisk, MIB)).toBe(zeros);

    const card = path.join(pub, 'card.img');
    const usersCard = await loopOver(card, image.imageSize + 16 * MIB);
    await chown(card, USER, USER);
    await chmod(card, 0o600);
    const written = await runHelper({ source: image.path, devices: [usersCard] }, asUser);
    expect(errorOf(written)).toBeNull();
    expect(doneOf(written)?.bytesWritten).toBe(image.imageSize);
    expect(await sha256OfDevice(usersCard, image.imageSize)).toBe(image.sha256);
  });

  it('says the same of loops over a hidden regular file and a hidden device node: root’s stat tells the user nothing', async () => {
    const hidden = path.join(priv, 'hidden-backing');
    await mkdir(hidden, { mode: 0o700 });
    const overFile = await loopOver(path.join(hidden, 'disk.img'), 16 * MIB);
    const node = path.join(hidden, 'disk-node');
    const [major, minor] = readFileSync(`/sys/block/${path.basename(overFile)}/dev`, 'utf8')
      .trim()
      .split(':');
    execFileSync('mknod', [node, 'b', major!, minor!]);
    const overNode = execFileSync('losetup', ['--find', '--show', node], { encoding: 'utf8' }).trim();
    try {
      const said = new Set<string>();
      for (const device of [overFile, overNode]) {
        const refused = errorOf(await runHelper({ source: image.path, devices: [device] }, asUser));
        said.add(`${refused?.code} ${refused?.message.replace(device, '<loop>')}`);
      }
      expect([...said]).toEqual([
        'flash-device-refused Refused to write <loop>: it is a loop device over a file your account may not write, so it counts as a built-in disk. Nothing was written.',
      ]);
    } finally {
      execFileSync('losetup', ['-d', overNode]);
    }
  });

  it('still lets root itself (no invoking user) write a loop over its own file', async () => {
    const rootDisk = await loopOver(path.join(priv, 'root-asks.img'), image.imageSize + 16 * MIB);
    const written = await runHelper({ source: image.path, devices: [rootDisk] });
    expect(errorOf(written)).toBeNull();
    expect(await sha256OfDevice(rootDisk, image.imageSize)).toBe(image.sha256);
  });
});

describe.skipIf(process.getuid?.() !== 0)('what lies in folders the user cannot open', () => {
  it('answers alike for a file, a folder, a device node and nothing there, as the source or the device', async () => {
    const hidden = path.join(priv, 'hidden');
    await mkdir(hidden, { mode: 0o700 });
    await writeFile(path.join(hidden, 'file.img'), image.path);
    await mkdir(path.join(hidden, 'folder'));
    execFileSync('mknod', [path.join(hidden, 'disk'), 'b', '7', '0']);
    const device = await loopOver(path.join(pub, 'probe.img'), 16 * MIB);
    await chown(path.join(pub, 'probe.img'), USER, USER);
    const answers = new Set<string>();
    const devices = new Set<string>();
    for (const name of ['file.img', 'folder', 'disk', 'missing']) {
      const target = path.join(hidden, name);
      const asSource = errorOf(await runHelper({ source: target, devices: [device] }, asUser));
      answers.add(`${asSource?.code} ${asSource?.message.replace(target, '<path>')}`);
      const asDevice = errorOf(await runHelper({ source: image.path, devices: [target] }, asUser));
      devices.add(`${asDevice?.code} ${asDevice?.message.replace(target, '<path>')}`);
    }
    expect([...answers]).toEqual([
      'flash-source-refused The image <path> does not exist or is not readable by your account; nothing was written.',
    ]);
    expect([...devices]).toEqual(['flash-device-unknown <path> is not a disk device; nothing was written.']);
  });
});

describe.skipIf(process.getuid?.() !== 0)('the stale-pin sweep', () => {
  it('removes only folders root made (its own, closed to others), never a look-alike someone planted', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'pins-'));
    await chmod(base, 0o1777);
    // A pid that no longer runs: what a killed writer leaves, and what a planter imitates.
    const dead = 999_999_999;
    const planted = path.join(base, `companion-writer-${dead}-planted`);
    await mkdir(planted);
    await writeFile(path.join(planted, 'victim'), 'keep me');
    await chown(planted, USER, USER);
    const open = path.join(base, `companion-writer-${dead}-open`);
    await mkdir(open, { mode: 0o777 });
    await chmod(open, 0o777);
    const stale = await mkdtemp(path.join(base, `companion-writer-${dead}-`));
    expect(await sweepStalePins(base)).toEqual([stale]);
    expect(existsSync(path.join(planted, 'victim'))).toBe(true);
    expect(existsSync(open)).toBe(true);
    await rm(base, { recursive: true, force: true });
  });

  it('pins only in a root-only /run, never in a shared temp folder', async () => {
    expect(await pinFolder()).toBe('/run');
    expect(await pinFolder(path.join(priv, 'no-run'))).toBeNull();
    expect(await pinFolder(tmpdir())).toBeNull();
  });
});
