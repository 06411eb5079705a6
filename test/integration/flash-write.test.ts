// Flashing onto real block devices: loop devices over sparse files (needs root). Only loop devices this file
// created are touched, and each is detached after its test.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { type FlashProgress, writeImageToDevice } from '../../src/flash/write/write-image-to-device.js';
import { buildSdImage, type Compression, type SdImageFixture } from '../fixtures/sd-image.js';
import {
  detachLoopDevices,
  loopDevice as makeLoopDevice,
  readDevice,
  sha256OfDevice,
} from '../helpers/loop-devices.js';
import { rejection } from '../helpers/rejection.js';
import { watchChildUids } from '../helpers/child-uids.js';

const loopDevice = (bytes: number) => makeLoopDevice(dir, bytes);

const MIB = 1024 * 1024;
let dir = '';

const firstMiBIsBlank = async (device: string) => (await readDevice(device, 0, MIB)).every((b) => b === 0);

const fixtures = new Map<string, SdImageFixture>();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flash-write-'));
  fixtures.set('raw', await buildSdImage(path.join(dir, 'raw')));
  for (const format of ['zstd', 'xz', 'gzip'] as Compression[]) {
    fixtures.set(format, await buildSdImage(path.join(dir, format), { compress: format }));
  }
  fixtures.set('corrupt', await buildSdImage(path.join(dir, 'corrupt'), { corrupt: 'zstd' }));
  fixtures.set(
    'truncated',
    await buildSdImage(path.join(dir, 'truncated'), { compress: 'zstd', padMiB: 4, truncateBy: MIB }),
  );
  // Random padding costs real decompression time, so a cancel lands mid-write.
  fixtures.set('big', await buildSdImage(path.join(dir, 'big'), { compress: 'zstd', padMiB: 384 }));
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
  it.each(['raw', 'zstd', 'xz', 'gzip'])(
    'flashes a %s image byte-identical and verifies it',
    async (name) => {
      const f = fixture(name);
      const device = await loopDevice(f.imageSize + 16 * MIB);
      const progress: FlashProgress[] = [];
      const lines: string[] = [];
      const result = await writeImageToDevice({
        source: sourceOf(f),
        devices: [device],
        onProgress: (p) => progress.push(p),
        log: (line) => lines.push(line),
      });
      expect(result).toMatchObject({ bytesWritten: f.imageSize, sourceSha256: f.sha256, verified: true });
      expect(await sha256OfDevice(device, f.imageSize)).toBe(f.sha256);
      expect(progress.at(-1)).toEqual({
        phase: 'verifying',
        done: f.imageSize,
        total: name === 'gzip' ? null : f.imageSize,
        unit: 'bytes',
      });
      expect(progress.some((p) => p.phase === 'writing' && p.done === f.imageSize)).toBe(true);
      expect(lines.join('\n')).toMatch(/MB\/s[\s\S]*SHA-256[\s\S]*Verified .*match/);
    },
  );

  it.each(['raw', 'zstd'])(
    'reads a %s image through the descriptor it was given, not the path (which may have been swapped)',
    async (name) => {
      const f = fixture(name);
      const copy = path.join(dir, `swapped-${name}`);
      execFileSync('cp', [sourceOf(f), copy]);
      const handle = await open(sourceOf(f), 'r');
      const device = await loopDevice(f.imageSize + 16 * MIB);
      try {
        const result = await writeImageToDevice({
          source: copy,
          sourceFd: handle.fd,
          devices: [device],
          verify: false,
          // The first log line comes after the path's format and size were read, before any image byte: swap now.
          log: (line) => void (line.startsWith('Flashing') && execFileSync('truncate', ['-s', '0', copy])),
        });
        expect(result.sourceSha256).toBe(f.sha256);
        expect(await sha256OfDevice(device, f.imageSize)).toBe(f.sha256);
      } finally {
        await handle.close();
      }
    },
  );

  it('runs the decompressor as the user it is told to, reading only the descriptor', async () => {
    const f = fixture('big');
    const handle = await open(sourceOf(f), 'r');
    const device = await loopDevice(f.imageSize + 16 * MIB);
    // zstd as "nobody" could not open this root-only file by name: only the inherited descriptor works.
    const privateCopy = path.join(dir, 'root-only.img.zst');
    execFileSync('install', ['-m', '600', sourceOf(f), privateCopy]);
    const zstdUids = watchChildUids(process.pid, 'zstd');
    let uids: string[] = [];
    try {
      const result = await writeImageToDevice({
        source: privateCopy,
        sourceFd: handle.fd,
        decompressAs: { uid: 65534, gid: 65534 },
        // As the privileged writer does: the size comes measured from the app, so root runs no zstd at all.
        expectedSize: f.imageSize,
        devices: [device],
        verify: false,
      });
      expect(result.sourceSha256).toBe(f.sha256);
    } finally {
      uids = zstdUids.stop();
      await handle.close();
    }
    expect(uids).toEqual(['65534']);
  });

  it('refuses an image larger than the device before writing anything', async () => {
    const f = fixture('zstd');
    const device = await loopDevice(32 * MIB);
    const error = await rejection(writeImageToDevice({ source: sourceOf(f), devices: [device] }));
    expect(error.code).toBe('flash-device-too-small');
    expect(error.message).toContain(String(f.imageSize));
    expect(error.message).toContain(String(32 * MIB));
    expect(await sha256OfDevice(device, 32 * MIB)).toBe(
      createHash('sha256')
        .update(Buffer.alloc(32 * MIB))
        .digest('hex'),
    );
  });

  it('fails at the end of the device when the size was unknown (gzip), without a partition table', async () => {
    const device = await loopDevice(32 * MIB);
    const error = await rejection(
      writeImageToDevice({ source: sourceOf(fixture('gzip')), devices: [device] }),
    );
    expect(error.code).toBe('flash-device-too-small');
    expect(error.message).toMatch(/unusable until it is flashed again/);
    expect(await firstMiBIsBlank(device)).toBe(true);
  });

  it.each([
    ['corrupt', 'image-corrupt'],
    ['truncated', 'image-truncated'],
  ])('a %s source fails with %s and the offset, and the first MiB stays unwritten', async (name, code) => {
    const f = fixture(name);
    const device = await loopDevice(f.imageSize + 16 * MIB);
    const error = await rejection(writeImageToDevice({ source: sourceOf(f), devices: [device] }));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/had been decompressed/);
    expect(error.message).toMatch(/unusable until it is flashed again/);
    expect(await firstMiBIsBlank(device)).toBe(true);
    expect((await readDevice(device, 510, 2)).equals(Buffer.from([0x55, 0xaa]))).toBe(false);
  });

  it('blanks an old partition table first, so a reused card that fails mid-write does not look bootable', async () => {
    const f = fixture('corrupt');
    const device = await loopDevice(f.imageSize + 16 * MIB);
    // The card as it came from its last life: a valid MBR at the start and junk (a backup GPT) at the end.
    const old = await open(device, 'r+');
    await old.write(Buffer.from([0x55, 0xaa]), 0, 2, 510);
    await old.write(Buffer.from('EFI PART'), 0, 8, f.imageSize + 16 * MIB - 512);
    await old.close();
    const error = await rejection(writeImageToDevice({ source: sourceOf(f), devices: [device] }));
    expect(error.code).toBe('image-corrupt');
    expect((await readDevice(device, 510, 2)).equals(Buffer.from([0x55, 0xaa]))).toBe(false);
    expect((await readDevice(device, f.imageSize + 16 * MIB - 512, 8)).toString()).not.toBe('EFI PART');
  });

  it.each([
    ['by path', false],
    ['through the descriptor, read a second time (as the privileged writer does)', true],
  ])('verification names the first byte that differs on the card (%s)', async (_, viaFd) => {
    const f = fixture('zstd');
    const device = await loopDevice(f.imageSize + 16 * MIB);
    const offset = 5 * MIB + 123;
    const handleOfSource = viaFd ? await open(sourceOf(f), 'r') : null;
    const error = await rejection(
      writeImageToDevice({
        // With the descriptor, the path leads nowhere: only the descriptor can give the second pass its bytes.
        source: viaFd ? path.join(dir, 'no-such-image.img.zst') : sourceOf(f),
        ...(handleOfSource
          ? {
              sourceFd: handleOfSource.fd,
              decompressAs: { uid: 65534, gid: 65534 },
              expectedSize: f.imageSize,
            }
          : {}),
        devices: [device],
        afterWrite: async () => {
          const handle = await open(device, 'r+');
          const [byte] = await readDevice(device, offset, 1);
          await handle.write(Buffer.from([(byte ?? 0) ^ 0xff]), 0, 1, offset);
          await handle.sync();
          await handle.close();
        },
      }),
    );
    await handleOfSource?.close();
    expect(error.code).toBe('flash-verify-failed');
    expect(error.message).toContain(`byte ${offset}`);
  });

  it('cancel stops within a second, says the card is unusable and leaves no partition table', async () => {
    const f = fixture('big');
    const device = await loopDevice(f.imageSize + 16 * MIB);
    const controller = new AbortController();
    let abortedAt = 0;
    const run = writeImageToDevice({
      source: sourceOf(f),
      devices: [device],
      signal: controller.signal,
      onProgress: (p) => {
        if (!abortedAt && p.phase === 'writing' && p.done > 64 * MIB) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const error = await rejection(run);
    expect(error).toBeInstanceOf(CancelledError);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(error.message).toMatch(/unusable until it is flashed again/);
    expect(await firstMiBIsBlank(device)).toBe(true);
  });

  it('refuses a device someone else holds exclusively (as a mount does)', async () => {
    const f = fixture('raw');
    const device = await loopDevice(f.imageSize + 16 * MIB);
    const { constants } = await import('node:fs');
    const holder = await open(device, constants.O_RDONLY | constants.O_EXCL);
    try {
      const error = await rejection(writeImageToDevice({ source: sourceOf(f), devices: [device] }));
      expect(error.code).toBe('flash-device-busy');
      expect(error.hint).toMatch(/Unmount/);
    } finally {
      await holder.close();
    }
  });
});
