// The internal-disk authorization names its disk: the internal launcher takes exactly one /dev/disk/by-id name (or
// kernel name) and its size in bytes, which pkexec shows in the prompt, and the writer behind it writes no other
// built-in disk. Run end to end as pkexec would run it (as root, only PKEXEC_UID set): the real launchers, this Node,
// the bundled writer, and loop devices over root-only files, which count as built-in disks for user 65534.
import { copyFile, chmod, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writerHelperScript } from '../../src/flash/elevate/run-privileged-writer.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopOver, sha256OfDevice } from '../helpers/loop-devices.js';
import { byIdLinks, doneOf, errorOf, runWriter } from '../helpers/writer-runs.js';

const MIB = 1024 * 1024;
const zeros = createHash('sha256').update(Buffer.alloc(MIB)).digest('hex');
const BIN = path.join(process.cwd(), 'resources', 'bin');
let app = '';
let priv = '';
let image: SdImageFixture;
const links = byIdLinks();
let counter = 0;

const launch = (
  name: 'companion-flash-writer' | 'companion-flash-writer-internal',
  args: string[],
  device: string,
) =>
  runWriter(
    path.join(app, 'bin', name),
    args,
    { source: image.path, devices: [device] },
    { PKEXEC_UID: '65534' },
  );
const internal = (args: string[], device: string) => launch('companion-flash-writer-internal', args, device);

/** A loop device over a new root-only file: a built-in disk as far as user 65534 is concerned. */
async function rootOnlyDisk(): Promise<{ device: string; size: string }> {
  const device = await loopOver(path.join(priv, `disk-${++counter}.img`), image.imageSize + 16 * MIB);
  return { device, size: String(image.imageSize + 16 * MIB) };
}

beforeAll(async () => {
  expect(existsSync(writerHelperScript()), 'run `node scripts/build.mjs` first').toBe(true);
  app = await mkdtemp(path.join(tmpdir(), 'internal-launcher-'));
  await mkdir(path.join(app, 'bin'));
  await mkdir(path.join(app, 'helper'));
  for (const name of ['companion-flash-writer', 'companion-flash-writer-internal']) {
    await copyFile(path.join(BIN, name), path.join(app, 'bin', name));
    await chmod(path.join(app, 'bin', name), 0o755);
  }
  await symlink(process.execPath, path.join(app, 'bin', 'node'));
  await copyFile(writerHelperScript(), path.join(app, 'helper', 'companion-flash-writer.cjs'));
  priv = await mkdtemp(path.join(tmpdir(), 'internal-disks-'));
  const pub = await mkdtemp(path.join(tmpdir(), 'internal-image-'));
  await chmod(pub, 0o755);
  image = await buildSdImage(path.join(pub, 'img'));
}, 300_000);

afterEach(async () => {
  await links.remove();
  detachLoopDevices();
});

afterAll(async () => {
  for (const dir of [app, priv, image ? path.dirname(image.path) : ''])
    if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0)('the internal-disk launcher and the disk it names', () => {
  it('writes the disk its by-id argument names, and refuses any other built-in disk', async () => {
    const named = await rootOnlyDisk();
    const other = await rootOnlyDisk();
    const id = `ata-Companion_Test_Disk_${process.pid}-0:0`;
    await links.link(id, named.device);
    const written = await internal([id, named.size], named.device);
    expect(errorOf(written)).toBeNull();
    expect(doneOf(written)?.bytesWritten).toBe(image.imageSize);
    expect(await sha256OfDevice(named.device, image.imageSize)).toBe(image.sha256);

    const refused = await internal([id, other.size], other.device);
    expect(errorOf(refused)).toMatchObject({
      code: 'internal-disk-not-named',
      message: expect.stringContaining(`the authorization was given for another disk (${id})`),
    });
    expect(await sha256OfDevice(other.device, MIB)).toBe(zeros);
  });

  it('refuses the named disk when its size is not the one authorized', async () => {
    const named = await rootOnlyDisk();
    const id = `nvme-Companion_Test_${process.pid}`;
    await links.link(id, named.device);
    const refused = await internal([id, String(Number(named.size) + 512)], named.device);
    expect(errorOf(refused)).toMatchObject({
      code: 'internal-disk-not-named',
      message: expect.stringContaining('but the authorization was given for'),
    });
    expect(await sha256OfDevice(named.device, MIB)).toBe(zeros);
  });

  it('takes the kernel name of a disk without a by-id link', async () => {
    const named = await rootOnlyDisk();
    const written = await internal([path.basename(named.device), named.size], named.device);
    expect(errorOf(written)).toBeNull();
    expect(await sha256OfDevice(named.device, image.imageSize)).toBe(image.sha256);
  });

  it('refuses the kernel name of a disk that has a by-id link (the prompt would hide its model and serial)', async () => {
    const named = await rootOnlyDisk();
    const id = `ata-Companion_Linked_Disk_${process.pid}`;
    await links.link(id, named.device);
    const refused = await internal([path.basename(named.device), named.size], named.device);
    expect(errorOf(refused)).toMatchObject({
      code: 'internal-disk-not-named',
      message: expect.stringContaining(`it has a /dev/disk/by-id name (${id})`),
    });
    expect(await sha256OfDevice(named.device, MIB)).toBe(zeros);
  });

  it('refuses a malformed or missing disk argument before any writer starts', async () => {
    const named = await rootOnlyDisk();
    for (const args of [
      [],
      ['loop0'],
      ['../../loop0', named.size],
      ['by-id/../x', named.size],
      ['.hidden', named.size],
      ['-rf', named.size],
      ['a b', named.size],
      ['loop0', '0x10'],
      ['loop0', '010'],
      ['loop0', named.size, 'extra'],
    ]) {
      const run = await internal(args, named.device);
      expect(run.code, args.join(' ')).toBe(2);
      expect(errorOf(run)?.code).toBe('flash-writer-usage');
    }
    expect(await sha256OfDevice(named.device, MIB)).toBe(zeros);
  });

  it('leaves the SD-card launcher refusing every argument, and built-in disks', async () => {
    const named = await rootOnlyDisk();
    for (const args of [
      [path.basename(named.device), named.size],
      ['x'],
      ['--in', '/dev/null', '--out', '/dev/null'],
    ]) {
      const run = await launch('companion-flash-writer', args, named.device);
      expect(run.code).toBe(2);
      expect(errorOf(run)?.code).toBe('flash-writer-usage');
    }
    const refused = await launch('companion-flash-writer', [], named.device);
    expect(errorOf(refused)?.code).toBe('flash-device-refused');
    expect(await sha256OfDevice(named.device, MIB)).toBe(zeros);
  });

  it('shows the disk in the polkit prompt of the internal action ($(command_line), expanded by pkexec)', async () => {
    const policy = await readFile(
      path.join(process.cwd(), 'resources', 'polkit', 'dev.homelab.pi-backup-companion.policy'),
      'utf8',
    );
    const action = /<action id="[^"]*flash-internal-disk">([\s\S]*?)<\/action>/.exec(policy)?.[1] ?? '';
    expect(action).toMatch(/<message>[^<]*\$\(command_line\)<\/message>/);
    expect(action).toContain('/bin/companion-flash-writer-internal</annotate>');
  });
});
