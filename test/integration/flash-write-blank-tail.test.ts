// Blanking a reused card's old tables, on loop devices over sparse files (needs root). Only loop devices this file
// created are touched, and each is detached after its test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tailBlank } from '../../src/flash/write/flash-targets.js';
import { writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { run } from '../fixtures/sd-image-tools.js';
import { detachLoopDevices, loopDevice, readDevice, sha256OfDevice } from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';

const MIB = 1024 * 1024;
const SECTOR = 512;
let dir = '';
let image: SdImageFixture;
let corrupt: SdImageFixture;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flash-blank-tail-'));
  image = await buildSdImage(path.join(dir, 'raw'));
  corrupt = await buildSdImage(path.join(dir, 'corrupt'), { corrupt: 'zstd' });
}, 120_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A card from its last life: a GPT made by sfdisk, whose backup header sits in the device's very last sector. */
async function cardWithOldGpt(bytes: number): Promise<string> {
  const device = await loopDevice(dir, bytes);
  await run('sfdisk', ['-q', '--no-reread', '--no-tell-kernel', device], {
    stdin: 'label: gpt\nstart=2048, size=8192, type=linux\n',
  });
  expect((await readDevice(device, bytes - SECTOR, 8)).toString('latin1')).toBe('EFI PART');
  return device;
}

/** The last 33 sectors (backup entry array + header) hold nothing but zeros. */
async function backupGptGone(device: string, bytes: number): Promise<boolean> {
  return (await readDevice(device, bytes - 33 * SECTOR, 33 * SECTOR)).every((b) => b === 0);
}

describe('blanking the old tables of a card whose size is not a multiple of 4 KiB', () => {
  // 64 MiB + 3 sectors: the backup GPT header lies in the 1536 bytes past the last whole 4 KiB block.
  const odd = 64 * MIB + 3 * SECTOR;

  it('reaches the last byte', () => {
    expect(tailBlank(odd)).toEqual({ at: 63 * MIB, length: MIB + 3 * SECTOR });
    expect(tailBlank(64 * MIB)).toEqual({ at: 63 * MIB, length: MIB });
    expect(tailBlank(MIB + SECTOR)).toEqual({ at: MIB, length: SECTOR });
    expect(tailBlank(MIB)).toBeNull();
  });

  it('leaves no backup GPT behind after a flash', async () => {
    const device = await cardWithOldGpt(odd);
    const result = await writeImageToDevice({ source: image.path, devices: [device] });
    expect(result.devices[0]).toMatchObject({ ok: true, verified: true });
    expect(await sha256OfDevice(device, image.imageSize)).toBe(image.sha256);
    expect(await backupGptGone(device, odd)).toBe(true);
  });

  it('leaves none behind when the write then fails mid-image', async () => {
    const device = await cardWithOldGpt(odd);
    const error = await rejection(writeImageToDevice({ source: corrupt.compressedPath!, devices: [device] }));
    expect(error.code).toBe('image-corrupt');
    expect(await backupGptGone(device, odd)).toBe(true);
  });
});
