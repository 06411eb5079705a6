// Loop devices over sparse files, the stand-in SD cards of the flash tests (root only). Every device made here is
// detached by detachLoopDevices(): call it in afterEach.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';

const MIB = 1024 * 1024;
const attached: string[] = [];
let counter = 0;

/** A loop device over `backing`, made (or emptied) as a sparse file of `bytes`. */
export async function loopOver(backing: string, bytes: number): Promise<string> {
  await writeFile(backing, '');
  await truncate(backing, bytes);
  const device = execFileSync('losetup', ['--find', '--show', backing], { encoding: 'utf8' }).trim();
  attached.push(device);
  return device;
}

/** A new zeroed loop device of `bytes`, its backing file in `dir`. */
export function loopDevice(dir: string, bytes: number): Promise<string> {
  return loopOver(path.join(dir, `card-${process.pid}-${++counter}.img`), bytes);
}

export function detachLoopDevices(): void {
  while (attached.length) execFileSync('losetup', ['-d', attached.pop()!]);
}

export async function readDevice(device: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(device, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

export async function sha256OfDevice(device: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes; at += 8 * MIB)
    hash.update(await readDevice(device, at, Math.min(8 * MIB, bytes - at)));
  return hash.digest('hex');
}
