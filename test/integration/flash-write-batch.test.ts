// Flashing several cards from one read of the source: loop devices over sparse files (needs root). Only loop
// devices this file created are touched, and each is detached after its test.
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, type SdImageFixture } from '../fixtures/sd-image.js';
import {
  detachLoopDevices,
  loopDevice as makeLoopDevice,
  readDevice,
  sha256OfDevice,
} from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';

const loopDevice = (bytes: number) => makeLoopDevice(dir, bytes);

const MIB = 1024 * 1024;
let dir = '';

const firstMiBIsBlank = async (device: string) => (await readDevice(device, 0, MIB)).every((b) => b === 0);

const fixtures = new Map<string, SdImageFixture>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flash-write-batch-'));
  fixtures.set('zstd', await buildSdImage(path.join(dir, 'zstd'), { compress: 'zstd' }));
}, 300_000);

afterEach(() => {
  detachLoopDevices();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const fixture = (name: string) => fixtures.get(name)!;
const sourceOf = (f: SdImageFixture) => f.compressedPath ?? f.path;

describe('writeImageToDevice', () => {
  it('flashes two devices at once from one read of the source, both byte-identical and verified', async () => {
    const f = fixture('zstd');
    const devices = [await loopDevice(f.imageSize + 16 * MIB), await loopDevice(f.imageSize + 32 * MIB)];
    const lines: string[] = [];
    const result = await writeImageToDevice({ source: sourceOf(f), devices, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ bytesWritten: f.imageSize, sourceSha256: f.sha256, verified: true });
    expect(result.devices).toEqual(
      devices.map((device) => ({ device, ok: true, bytesWritten: f.imageSize, verified: true })),
    );
    for (const device of devices) expect(await sha256OfDevice(device, f.imageSize)).toBe(f.sha256);
    // Decompressed once: one "Flashing" line naming both, one source hash.
    expect(lines.filter((l) => l.startsWith('Flashing'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('Source SHA-256'))).toHaveLength(1);
  });

  // All or none: when the image is known not to fit one of the cards, none is written (a partial batch surprises).
  it('refuses the whole batch before writing anything when one device is too small', async () => {
    const f = fixture('zstd');
    const big = await loopDevice(f.imageSize + 16 * MIB);
    const small = await loopDevice(32 * MIB);
    const error = await rejection(writeImageToDevice({ source: sourceOf(f), devices: [big, small] }));
    expect(error.code).toBe('flash-device-too-small');
    expect(error.message).toContain(small);
    expect(error.message).toContain('Nothing was written');
    expect(await sha256OfDevice(big, f.imageSize)).toBe(
      createHash('sha256').update(Buffer.alloc(f.imageSize)).digest('hex'),
    );
    expect(await firstMiBIsBlank(small)).toBe(true);
  });

  it('a device that fails verification is reported failed while the other succeeds', async () => {
    const f = fixture('zstd');
    const [good, bad] = [await loopDevice(f.imageSize + 16 * MIB), await loopDevice(f.imageSize + 16 * MIB)];
    const offset = 3 * MIB + 7;
    const result = await writeImageToDevice({
      source: sourceOf(f),
      devices: [good!, bad!],
      afterWrite: async ({ device }) => {
        if (device !== bad) return;
        const handle = await open(device, 'r+');
        const [byte] = await readDevice(device, offset, 1);
        await handle.write(Buffer.from([(byte ?? 0) ^ 0xff]), 0, 1, offset);
        await handle.sync();
        await handle.close();
      },
    });
    expect(result.devices[0]).toEqual({ device: good, ok: true, bytesWritten: f.imageSize, verified: true });
    expect(result.devices[1]).toMatchObject({ device: bad, ok: false, verified: false });
    expect(result.devices[1]?.error?.code).toBe('flash-verify-failed');
    expect(result.devices[1]?.error?.message).toContain(`byte ${offset}`);
    expect(await sha256OfDevice(good!, f.imageSize)).toBe(f.sha256);
  });
});
