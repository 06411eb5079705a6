// A card that dies mid-write, made real: a loop device larger than the tmpfs its backing file lives on, so the
// backing store runs out part-way and the loop device fails the writes. Only loop devices and mounts this file made
// are touched; each is detached (then unmounted) after its test.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompanionError } from '../../src/errors.js';
import { writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import { detachLoopDevices, loopOver, readDevice, sha256OfDevice } from '../helpers/loop-devices.js';

const MIB = 1024 * 1024;
/** Room the failing card really has: well short of the image. */
const TMPFS_MIB = 48;
const CARD_BYTES = 160 * MIB;
let dir = '';
let image: SdImageFixture;
let counter = 0;
const mounted: string[] = [];

/** A sound card: a loop over a sparse file on the ordinary temp file system. */
const soundCard = () => loopOver(path.join(dir, `card-${++counter}.img`), CARD_BYTES);

/** A card that says 160 MiB but can only hold 48: its backing file sits on a small tmpfs. */
async function dyingCard(): Promise<string> {
  const mountpoint = path.join(dir, `tmpfs-${++counter}`);
  await mkdir(mountpoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MIB}m`, 'flash-faults', mountpoint]);
  mounted.push(mountpoint);
  return loopOver(path.join(mountpoint, 'card.img'), CARD_BYTES);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flash-faults-'));
  // 38 MiB of partitions + 24 MiB root + 66 MiB of random bytes = 128 MiB, none of which a tmpfs can squeeze.
  image = await buildSdImage(path.join(dir, 'image'), { padMiB: 66 });
  expect(image.imageSize).toBe(128 * MIB);
}, 120_000);

afterEach(() => {
  detachLoopDevices();
  while (mounted.length) execFileSync('umount', [mounted.pop()!]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a card that fails mid-write', () => {
  it('rejects promptly with flash-device-gone, the device, the offset reached, and that the card is unusable', async () => {
    const device = await dyingCard();
    const started = performance.now();
    const error = await writeImageToDevice({ source: image.path, devices: [device] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(error).toBeInstanceOf(CompanionError);
    const { code, message, hint } = error as CompanionError;
    expect(code).toBe('flash-device-gone');
    expect(message).toContain(device);
    // The loop device answers O_DIRECT writes past its full backing store with ENOSPC, well inside its capacity.
    expect(message).toContain('ENOSPC');
    const offset = Number(/at byte (\d+)/.exec(message)?.[1]);
    expect(offset).toBeGreaterThan(16 * MIB);
    expect(offset).toBeLessThanOrEqual(TMPFS_MIB * MIB);
    expect(message).toMatch(/unusable until it is flashed again/);
    expect(hint).toMatch(/Reinsert the card/);
    // The partition table never went on.
    expect((await readDevice(device, 0, MIB)).every((b) => b === 0)).toBe(true);
  }, 30_000);

  it('finishes and verifies the other card of a batch, and reports each card on its own', async () => {
    const dying = await dyingCard();
    const sound = await soundCard();
    const result = await writeImageToDevice({ source: image.path, devices: [dying, sound] });
    expect(result).toMatchObject({
      bytesWritten: image.imageSize,
      sourceSha256: image.sha256,
      verified: true,
    });
    expect(result.devices[1]).toEqual({
      device: sound,
      ok: true,
      bytesWritten: image.imageSize,
      verified: true,
    });
    expect(result.devices[0]).toMatchObject({ device: dying, ok: false, verified: false });
    expect(result.devices[0]?.error?.code).toBe('flash-device-gone');
    expect(result.devices[0]?.error?.message).toContain(dying);
    expect(result.devices[0]?.error?.message).toMatch(/unusable until it is flashed again/);
    expect(await sha256OfDevice(sound, image.imageSize)).toBe(image.sha256);
  }, 30_000);
});
