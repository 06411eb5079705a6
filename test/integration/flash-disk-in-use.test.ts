// The root writer refuses a disk that something uses, whatever the drive list (lsblk, in the writer's own mount
// namespace) says: a partition mounted in another namespace or only through a bind mount, active swap, holders
// (LVM, dm-crypt, md). Real loop devices, real mounts and swap; holders need device-mapper or md in the kernel, so
// where neither exists they are read from a made-up sysfs tree. And whether a built-in disk may be written is no
// longer the request's to say.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findDiskUses } from '../../src/flash/elevate/disk-in-use.js';
import { writerHelperScript } from '../../src/flash/elevate/run-privileged-writer.js';
import { decodeEvent, type WriterEvent } from '../../src/flash/elevate/writer-protocol.js';
import { detachLoopDevices, loopDevice, sha256OfDevice } from '../helpers/loop-devices.js';

const MIB = 1024 * 1024;
let dir = '';
let source = '';
const cleanups: (() => void)[] = [];

/** Whether the kernel has device-mapper (dmsetup alone is not enough). */
function deviceMapper(): boolean {
  try {
    execFileSync('dmsetup', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the bundled writer as root on one request line, as the launcher would. */
function runWriter(request: object) {
  return new Promise<{ code: number | null; events: WriterEvent[] }>((resolve) => {
    const child = spawn(process.execPath, [writerHelperScript()], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('close', (code) => resolve({ code, events: out.split('\n').filter(Boolean).map(decodeEvent) }));
    child.stdin.end(`${JSON.stringify(request)}\n`);
  });
}

async function refusalOf(device: string) {
  const before = await sha256OfDevice(device, 4 * MIB);
  const { code, events } = await runWriter({ v: 1, source, devices: [device], verify: false });
  expect(code).toBe(1);
  expect(await sha256OfDevice(device, 4 * MIB)).toBe(before);
  const last = events.at(-1);
  if (!last || !('error' in last)) throw new Error('the writer did not refuse');
  return last.error;
}

/** A card with an MBR: an ext4 partition and a swap one, their device nodes made (loop devices scan no table). */
async function partitionedCard(): Promise<{ disk: string; data: string; swap: string }> {
  const disk = await loopDevice(dir, 64 * MIB);
  const table = 'label: dos\nstart=2048, size=40960, type=83\nstart=43008, type=82\n';
  // It says it could not re-read the table: loop devices do not scan one, partx below adds the partitions.
  execFileSync('sfdisk', ['-q', disk], { input: table, stdio: ['pipe', 'ignore', 'ignore'] });
  // A loop device keeps partitions it was given even once detached: drop any from before, and ours afterwards.
  const dropPartitions = () => spawnSync('partx', ['-d', disk], { stdio: 'ignore' });
  dropPartitions();
  execFileSync('partx', ['-a', disk]);
  cleanups.unshift(dropPartitions);
  const data = `${disk}p1`;
  execFileSync('mkfs.ext4', ['-q', '-F', data]);
  return { disk, data, swap: `${disk}p2` };
}

async function mountPoint(name: string): Promise<string> {
  const at = path.join(dir, name);
  await mkdir(at, { recursive: true });
  return at;
}

/** Mounts `device` inside a new mount namespace held open by a process of its own: invisible to our lsblk. */
async function mountElsewhere(device: string, at: string): Promise<ChildProcess> {
  const holder = spawn(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount "$0" "$1" && echo ready && exec sleep 600`,
      device,
      at,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`unshare exited ${code}`)));
  });
  cleanups.push(() => holder.kill('SIGKILL'));
  return holder;
}

beforeAll(async () => {
  expect(existsSync(writerHelperScript()), 'run `node scripts/build.mjs` first').toBe(true);
  dir = await mkdtemp(path.join(tmpdir(), 'disk-in-use-'));
  source = path.join(dir, 'image.img');
  await writeFile(source, Buffer.alloc(MIB, 7));
});

afterEach(async () => {
  while (cleanups.length) cleanups.pop()!();
  // A killed namespace holder takes its mounts with it, but not at once.
  await new Promise((resolve) => setTimeout(resolve, 200));
  detachLoopDevices();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.getuid?.() !== 0)('the writer refuses a disk in use', () => {
  it('refuses a card whose partition is mounted in another mount namespace, naming it', async () => {
    const card = await partitionedCard();
    await mountElsewhere(card.data, await mountPoint('elsewhere'));
    const error = await refusalOf(card.disk);
    expect(error.code).toBe('disk-in-use');
    expect(error.message).toMatch(
      new RegExp(`${path.basename(card.data)} is mounted at .*in another mount namespace`),
    );
    expect(error.message).toContain('Nothing was written');
  });

  it('refuses a card whose filesystem is reachable only through a bind mount', async () => {
    const card = await partitionedCard();
    const first = await mountPoint('first');
    const bound = await mountPoint('bound');
    execFileSync('mount', [card.data, first]);
    await mkdir(path.join(first, 'sub'));
    execFileSync('mount', ['--bind', path.join(first, 'sub'), bound]);
    execFileSync('umount', [first]);
    cleanups.push(() => execFileSync('umount', [bound]));
    const error = await refusalOf(card.disk);
    expect(error.code).toBe('disk-in-use');
    expect(error.message).toContain(`is mounted at ${bound}`);
  });

  it('refuses a card with active swap, and finds the swap itself', async () => {
    const card = await partitionedCard();
    execFileSync('mkswap', ['-q', card.swap]);
    execFileSync('swapon', [card.swap]);
    cleanups.push(() => execFileSync('swapoff', [card.swap]));
    expect(await findDiskUses(card.disk)).toContain(
      `${path.basename(card.swap)} is active swap (${card.swap})`,
    );
    expect(['disk-in-use', 'system-disk']).toContain((await refusalOf(card.disk)).code);
  });

  it('reports holders of the disk and of its partitions (LVM, dm-crypt, md) from sysfs', async () => {
    const disk = await loopDevice(dir, 16 * MIB);
    const name = path.basename(disk);
    const { rdev } = await stat(disk);
    const sys = path.join(dir, 'sys');
    const node = path.join(sys, 'devices', 'virtual', 'block', name);
    await mkdir(path.join(node, 'holders', 'dm-3'), { recursive: true });
    await mkdir(path.join(node, `${name}p1`, 'holders', 'md0'), { recursive: true });
    await writeFile(path.join(node, `${name}p1`, 'partition'), '1\n');
    await writeFile(path.join(node, `${name}p1`, 'dev'), '259:7\n');
    await mkdir(path.join(sys, 'dev', 'block'), { recursive: true });
    await symlink(node, path.join(sys, 'dev', 'block', `${rdev >> 8}:${rdev & 0xff}`));
    expect(await findDiskUses(disk, { sys, proc: '/proc' })).toEqual([
      `${name} is held by dm-3 (LVM, dm-crypt or RAID)`,
      `${name}p1 is held by md0 (LVM, dm-crypt or RAID)`,
    ]);
    expect(await findDiskUses(disk)).toEqual([]);
  });

  it.skipIf(!deviceMapper())('refuses a card held by a device-mapper target', async () => {
    const disk = await loopDevice(dir, 16 * MIB);
    execFileSync('dmsetup', [
      'create',
      `companion-test-${process.pid}`,
      '--table',
      `0 2048 linear ${disk} 0`,
    ]);
    cleanups.push(() => execFileSync('dmsetup', ['remove', `companion-test-${process.pid}`]));
    const error = await refusalOf(disk);
    expect(error.code).toBe('disk-in-use');
    expect(error.message).toMatch(/is held by dm-/);
  });

  it('takes no word of the request for a built-in disk: an allowNonRemovable field is refused', async () => {
    const disk = await loopDevice(dir, 16 * MIB);
    const { code, events } = await runWriter({
      v: 1,
      source,
      devices: [disk],
      verify: false,
      allowNonRemovable: true,
    });
    expect(code).toBe(1);
    expect(events.at(-1)).toMatchObject({ error: { code: 'flash-writer-protocol' } });
  });
});
