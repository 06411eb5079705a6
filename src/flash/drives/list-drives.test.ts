import { describe, expect, it, vi } from 'vitest';
import type { Drive } from './drive.js';
import { driveListSignature, listDrives, watchDrives } from './list-drives.js';

const card = (overrides: Partial<Drive> = {}): Drive => ({
  device: '/dev/sdb',
  rawDevice: '/dev/sdb',
  name: 'SD card',
  sizeBytes: 31914983424,
  model: null,
  vendor: null,
  serial: null,
  bus: 'usb',
  removable: true,
  readOnly: false,
  mountpoints: [],
  partitions: [],
  ...overrides,
});

describe('driveListSignature', () => {
  it('changes with drives, sizes and mounts, not with order or names', () => {
    const base = driveListSignature([card(), card({ device: '/dev/sdc' })]);
    expect(driveListSignature([card({ device: '/dev/sdc' }), card({ name: 'other' })])).toBe(base);
    expect(driveListSignature([card()])).not.toBe(base);
    expect(driveListSignature([card({ mountpoints: ['/media/x'] }), card({ device: '/dev/sdc' })])).not.toBe(
      base,
    );
    expect(driveListSignature([card({ sizeBytes: 1 }), card({ device: '/dev/sdc' })])).not.toBe(base);
  });
});

describe('watchDrives', () => {
  it('reports the first list and then only changes, until aborted', async () => {
    const lists = [[card()], [card()], [card(), card({ device: '/dev/sdc' })], [card()]];
    let calls = 0;
    const list = () => Promise.resolve(lists[Math.min(calls++, lists.length - 1)] ?? []);
    const seen: number[] = [];
    const controller = new AbortController();
    watchDrives((drives) => seen.push(drives.length), { intervalMs: 1, signal: controller.signal, list });
    await vi.waitFor(() => expect(calls).toBeGreaterThan(5));
    controller.abort();
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([1, 2, 1]);
    expect(calls).toBeLessThanOrEqual(after + 1);
  });

  it('keeps polling after a failed listing and reports the error', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const seen: Drive[][] = [];
    const controller = new AbortController();
    const list = () => (calls++ === 0 ? Promise.reject(new Error('lsblk died')) : Promise.resolve([card()]));
    watchDrives((drives) => seen.push(drives), {
      intervalMs: 1,
      signal: controller.signal,
      list,
      onError: (e) => errors.push(e),
    });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    controller.abort();
    expect(errors).toHaveLength(1);
  });
});

describe('listDrives', () => {
  it('says clearly that other platforms have no drive listing', async () => {
    await expect(listDrives({ platform: 'win32' })).rejects.toMatchObject({ code: 'unsupported-platform' });
  });
});
