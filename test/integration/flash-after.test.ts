// After-flash steps on real block devices: loop devices over sparse files (needs root). Only loop devices this file
// created are touched, and each is detached after its test.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionRecord } from '../../src/contract/index.js';
import type { Core } from '../../src/core.js';
import { CompanionError } from '../../src/errors.js';
import { checkBootstrapFilesOnCard } from '../../src/flash/after/check-bootstrap-files.js';
import { BOOTSTRAP_FILES } from '../../src/provision/bootstrap-files.js';
import { buildSdImage } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopDevice as makeLoopDevice } from '../helpers/loop-devices.js';
import { tempCore, type TempCore } from '../helpers/temp-core.js';

const loopDevice = (bytes: number) => makeLoopDevice(dir, bytes);

const MIB = 1024 * 1024;
let dir = '';
let core: Core;
let temp: TempCore | undefined;
let image = '';
let imageSize = 0;
let record: ProvisionRecord;

beforeAll(async () => {
  temp = await tempCore('flash-after-');
  ({ dir, core } = temp);
  const fixture = await buildSdImage(path.join(dir, 'fixture'));
  image = path.join(dir, 'pi.img');
  const { result } = await core.provision.start({
    host: 'pi',
    dest: image,
    imagePath: fixture.path,
    wifiSsid: 'Home',
    wifiPsk: 'correct horse battery',
  });
  await result;
  record = core.hosts.get('pi')!.lastProvision!;
  imageSize = record.sizeBytes;
}, 120_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(() => temp?.dispose());

function unmountQuietly(mountpoint: string): void {
  try {
    execFileSync('umount', [mountpoint], { stdio: 'ignore' });
  } catch {
    // already unmounted by the flash
  }
}

async function flash(device: string) {
  const { id, result } = await core.flash.start({ image, devices: [device], showAllDrives: true });
  await result;
  return { log: (await core.tasks.log(id)).map((l) => l.message).join('\n'), task: core.tasks.get(id) };
}

describe('after flashing a provisioned image', () => {
  it('re-reads the bootstrap files from the card and says so, and leaves a loop device attached', async () => {
    const device = await loopDevice(imageSize + 16 * MIB);
    const { log, task } = await flash(device);
    expect(log).toContain(`Nothing on ${device} is mounted.`);
    expect(log).toContain(`Bootstrap files re-checked on the card (${record.files.length} files).`);
    expect(log).toContain(`${BOOTSTRAP_FILES.hostKey.path}: mode 0600, owner 0:0, as provisioned`);
    expect(log).toMatch(/Not ejecting: .* loop device/);
    expect(JSON.stringify(task)).toContain(`bootstrap files re-checked (${record.files.length} files)`);
  });

  it('names the file and the field when the card holds something else', async () => {
    const device = await loopDevice(imageSize + 16 * MIB);
    await flash(device);
    const spec = `${device}?offset=${record.rootPartitionOffset}`;
    execFileSync('debugfs', ['-w', '-R', `sif ${BOOTSTRAP_FILES.hostKey.path} mode 0100644`, spec], {
      stdio: 'ignore',
    });
    const error = await checkBootstrapFilesOnCard({ device, record }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CompanionError);
    expect((error as CompanionError).code).toBe('flash-bootstrap-mismatch');
    expect((error as CompanionError).message).toContain(
      `${BOOTSTRAP_FILES.hostKey.path}: mode is 0644, expected 0600`,
    );
  });

  it('unmounts what is mounted from the card before writing', async () => {
    // A file system straight on the device: this container has no udev to make loopNpM partition nodes.
    const device = await loopDevice(imageSize + 16 * MIB);
    execFileSync('mkfs.ext4', ['-q', '-F', device]);
    const mnt = await mkdtemp(path.join(dir, 'mnt-'));
    execFileSync('mount', [device, mnt]);
    try {
      const { log } = await flash(device);
      expect(log).toContain(`Unmounted ${device} from ${mnt}.`);
      expect(log).toContain('Bootstrap files re-checked on the card');
    } finally {
      unmountQuietly(mnt);
    }
  });

  it('refuses to write a card whose file system is busy, naming the mountpoint', async () => {
    const device = await loopDevice(imageSize + 16 * MIB);
    execFileSync('mkfs.ext4', ['-q', '-F', device]);
    const mnt = await mkdtemp(path.join(dir, 'busy-'));
    execFileSync('mount', [device, mnt]);
    // A process working in the mounted folder, as a terminal or file manager would.
    const user = spawn('sleep', ['60'], { cwd: mnt, stdio: 'ignore' });
    try {
      const { result } = await core.flash.start({ image, devices: [device], showAllDrives: true });
      const error = await result.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CompanionError);
      expect((error as CompanionError).code).toBe('flash-unmount-failed');
      expect((error as CompanionError).message).toContain(mnt);
      expect((error as CompanionError).hint).toMatch(/file manager/);
    } finally {
      user.kill();
      await new Promise((resolve) => user.once('exit', resolve));
      unmountQuietly(mnt);
    }
  });

  it('recognises a copy of the provisioned image under another name by the host key on the card', async () => {
    expect(record.sha256).toBeUndefined(); // provisioning does not hash the whole image
    const copy = path.join(dir, 'renamed-copy.img');
    execFileSync('cp', ['--sparse=always', image, copy]);
    const device = await loopDevice(imageSize + 16 * MIB);
    const { id, result } = await core.flash.start({ image: copy, devices: [device], showAllDrives: true });
    await result;
    const log = (await core.tasks.log(id)).map((l) => l.message).join('\n');
    expect(log).toContain('Re-checking the bootstrap files of pi on the card');
    expect(log).toContain(`Bootstrap files re-checked on the card (${record.files.length} files).`);
  });

  it('checks nothing for an image no host was provisioned from', async () => {
    const other = path.join(dir, 'plain.img');
    await buildSdImage(path.join(dir, 'plain')).then((f) => execFileSync('cp', [f.path, other]));
    const device = await loopDevice(imageSize + 16 * MIB);
    const { id, result } = await core.flash.start({ image: other, devices: [device], showAllDrives: true });
    await result;
    const log = (await core.tasks.log(id)).map((l) => l.message).join('\n');
    expect(log).toContain('no bootstrap files to re-check');
  });
});
