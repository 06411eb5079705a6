// What the writer holds and what it checks: the exclusive claim lasts through verification, a descriptor must lead
// to the device that was approved, and one disk is never written twice at once. Loop devices over sparse files (needs
// root); only loop devices this file created are touched, and each is detached after its test.
import { constants, closeSync, openSync } from 'node:fs';
import { mkdtemp, open, rm, stat, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityOf } from '../../src/flash/write/device-identity.js';
import { DeviceWriter } from '../../src/flash/write/device-writer.js';
import { writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopDevice as makeLoopDevice } from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';

const loopDevice = (bytes: number) => makeLoopDevice(dir, bytes);

const MIB = 1024 * 1024;
const MARK = Buffer.from('an old card, not to be touched');
let dir = '';
let image: SdImageFixture;

/** A loop device whose first bytes say MARK, to prove later that nothing was written. */
async function markedCard(): Promise<string> {
  const device = await loopDevice(image.imageSize + 16 * MIB);
  const handle = await open(device, 'r+');
  await handle.write(MARK, 0, MARK.length, 0);
  await handle.sync();
  await handle.close();
  return device;
}

async function stillMarked(device: string): Promise<boolean> {
  const handle = await open(device, 'r');
  try {
    const buffer = Buffer.alloc(MARK.length);
    await handle.read(buffer, 0, MARK.length, 0);
    return buffer.equals(MARK);
  } finally {
    await handle.close();
  }
}

/** What another program's exclusive open (an automounter's, a mount's) gets now: 'EBUSY', or 'opened'. */
function tryExclusiveOpen(device: string): string {
  try {
    closeSync(openSync(device, constants.O_RDONLY | constants.O_EXCL));
    return 'opened';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flash-claims-'));
  // Random padding so reading it back takes long enough for progress calls during verification.
  image = await buildSdImage(path.join(dir, 'image'), { compress: 'zstd', padMiB: 192 });
}, 120_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the exclusive claim', () => {
  it('is held from the first write until verification is over, then given up', async () => {
    const device = await loopDevice(image.imageSize + 16 * MIB);
    const afterWrite: string[] = [];
    const duringVerify: string[] = [];
    const result = await writeImageToDevice({
      source: image.compressedPath!,
      devices: [device],
      afterWrite: () => void afterWrite.push(tryExclusiveOpen(device)),
      onProgress: (p) => {
        if (p.phase === 'verifying') duringVerify.push(tryExclusiveOpen(device));
      },
    });
    expect(result.verified).toBe(true);
    expect(afterWrite).toEqual(['EBUSY']);
    expect(duringVerify.length).toBeGreaterThan(1);
    expect(new Set(duringVerify)).toEqual(new Set(['EBUSY']));
    expect(tryExclusiveOpen(device)).toBe('opened');
  });
});

describe('the device identity', () => {
  it('refuses to open a device for writing when it is not the one approved', async () => {
    const [card, other] = [await markedCard(), await markedCard()];
    const error = await rejection(DeviceWriter.open(card, identityOf(await stat(other))));
    expect(error.code).toBe('flash-device-changed');
    expect(error.message).toContain(card);
    expect(error.message).toMatch(/block device \d+:\d+.*block device \d+:\d+/);
    const writer = await DeviceWriter.open(card, identityOf(await stat(card)));
    expect(writer.identity).toEqual(identityOf(await stat(card)));
    await writer.close();
  });

  it('refuses a path swapped for another device after it was approved, writing nothing', async () => {
    const [card, other] = [await markedCard(), await markedCard()];
    const node = path.join(dir, 'sdx');
    await symlink(card, node);
    const approved = new Map([[node, identityOf(await stat(node))]]);
    // The /dev node now leads to another disk, as if a different card had taken the name.
    await unlink(node);
    await symlink(other, node);
    const error = await rejection(
      writeImageToDevice({ source: image.compressedPath!, devices: [node], approvedDevices: approved }),
    );
    expect(error.code).toBe('flash-device-changed');
    expect(error.message).toContain('Nothing was written');
    expect(await stillMarked(card)).toBe(true);
    expect(await stillMarked(other)).toBe(true);
    await unlink(node);
  });
});

describe('one disk named twice', () => {
  it('refuses /dev/diskN with /dev/rdiskN before looking at either', async () => {
    const error = await rejection(
      writeImageToDevice({ source: image.compressedPath!, devices: ['/dev/disk4', '/dev/rdisk4'] }),
    );
    expect(error.code).toBe('flash-device-repeated');
    expect(error.message).toContain('/dev/disk4 and /dev/rdisk4 are the same disk');
  });

  it('refuses two paths that lead to one device, writing nothing', async () => {
    const card = await markedCard();
    const alias = path.join(dir, 'by-id-link');
    await symlink(card, alias);
    const error = await rejection(
      writeImageToDevice({ source: image.compressedPath!, devices: [card, alias] }),
    );
    expect(error.code).toBe('flash-device-repeated');
    expect(error.message).toContain(`${card} and ${alias} are the same disk`);
    expect(await stillMarked(card)).toBe(true);
    await unlink(alias);
  });
});
