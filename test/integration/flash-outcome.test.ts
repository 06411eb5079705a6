// What a flash says it left behind, through the flash service and the root writer (needs root and dist/helper).
// Only loop devices this file created are touched, and each is detached after its test.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopDevice, sha256OfDevice } from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';
import { tempCore, type TempCore } from '../helpers/temp-core.js';

const MIB = 1024 * 1024;
let dir = '';
let core: Core;
let temp: TempCore | undefined;
let fixture: SdImageFixture;
let big: SdImageFixture;

beforeAll(async () => {
  temp = await tempCore('flash-outcome-');
  ({ dir, core } = temp);
  fixture = await buildSdImage(path.join(dir, 'image'), { compress: 'zstd' });
  // Random padding costs real decompression time, so the cancel lands mid-write.
  big = await buildSdImage(path.join(dir, 'big'), { compress: 'zstd', padMiB: 256 });
}, 120_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(() => temp?.dispose());

describe('the outcome of a flash', () => {
  it('says nothing was written when the card is in use, not that it is unusable', async () => {
    const device = await loopDevice(dir, fixture.imageSize + 16 * MIB);
    const before = await sha256OfDevice(device, fixture.imageSize + 16 * MIB);
    // Another program holding the card exclusively, as a second flash or a mounter would.
    const holder = await open(device, constants.O_RDONLY | constants.O_EXCL);
    try {
      const run = await core.flash.start({
        image: fixture.compressedPath!,
        devices: [device],
        showAllDrives: true,
      });
      const error = await rejection(run.result);
      expect(error.code).toBe('flash-device-busy');
      const task = core.tasks.get(run.id);
      expect(task.outcome).toBe(`Nothing was written: ${device} is as before.`);
    } finally {
      await holder.close();
    }
    expect(await sha256OfDevice(device, fixture.imageSize + 16 * MIB)).toBe(before);
  });

  it('says the card is unusable once writing began, e.g. cancelled mid-write', async () => {
    const device = await loopDevice(dir, big.imageSize + 16 * MIB);
    const run = await core.flash.start({
      image: big.compressedPath!,
      devices: [device],
      showAllDrives: true,
    });
    const deadline = Date.now() + 30_000;
    while ((core.tasks.get(run.id).progress?.done ?? 0) === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    core.tasks.cancel(run.id);
    await rejection(run.result);
    expect(core.tasks.get(run.id).outcome).toBe(`${device} is unusable until flashed again.`);
  });

  it('refuses a second flash to a card a running flash holds, before it touches anything', async () => {
    const device = await loopDevice(dir, big.imageSize + 16 * MIB);
    const run = await core.flash.start({
      image: big.compressedPath!,
      devices: [device],
      showAllDrives: true,
    });
    const error = await rejection(
      core.flash.start({ image: fixture.compressedPath!, devices: [device], showAllDrives: true }),
    );
    expect(error.code).toBe('flash-drive-busy');
    expect(error.message).toMatch(/is being written by "Flash .*"\. Nothing was written by this attempt/);
    expect(
      core.tasks.list().filter((task) => task.kind === 'flash' && task.state === 'running'),
    ).toHaveLength(1);
    core.tasks.cancel(run.id);
    await rejection(run.result);
    expect(core.tasks.holderOf(`drive:${device}`)).toBeNull();
  });
});
