import { describe, expect, it } from 'vitest';
import { assertDistinctDisks, canonicalDiskPath, findRepeatedDisk } from './same-disk.js';

describe('canonicalDiskPath', () => {
  it.each([
    ['/dev/rdisk4', '/dev/disk4'],
    ['/dev/disk4', '/dev/disk4'],
    ['/dev/rdisk12', '/dev/disk12'],
    ['/dev/rdisk4s1', '/dev/disk4s1'],
    ['/dev//rdisk4', '/dev/disk4'],
    ['/dev/./rdisk4', '/dev/disk4'],
    ['/dev/sdb', '/dev/sdb'],
    ['/dev/mmcblk0', '/dev/mmcblk0'],
    ['/dev/loop3', '/dev/loop3'],
    // Only the whole name counts: these are not macOS disk nodes.
    ['/dev/rdisk', '/dev/rdisk'],
    ['/dev/rdisk4x', '/dev/rdisk4x'],
    ['/tmp/dev/rdisk4', '/tmp/dev/rdisk4'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalDiskPath(input)).toBe(expected);
  });
});

describe('findRepeatedDisk', () => {
  it.each([
    [['/dev/disk4', '/dev/rdisk4'], { first: '/dev/disk4', again: '/dev/rdisk4' }],
    [['/dev/rdisk4', '/dev/disk5', '/dev/disk4'], { first: '/dev/rdisk4', again: '/dev/disk4' }],
    [['/dev/sdb', '/dev/sdb'], { first: '/dev/sdb', again: '/dev/sdb' }],
    [['/dev/disk4', '/dev/rdisk5'], null],
    [['/dev/disk4', '/dev/disk4s1'], null],
    [['/dev/sdb', '/dev/sdc'], null],
    [[], null],
  ])('%j → %j', (devices, expected) => {
    expect(findRepeatedDisk(devices)).toEqual(expected);
  });
});

describe('assertDistinctDisks', () => {
  it('refuses /dev/diskN with /dev/rdiskN, naming both', () => {
    expect(() => assertDistinctDisks(['/dev/disk4', '/dev/rdisk4'])).toThrow(
      expect.objectContaining({
        code: 'flash-device-repeated',
        message: expect.stringContaining('/dev/disk4 and /dev/rdisk4 are the same disk'),
      }),
    );
  });

  it('lets different disks through', () => {
    expect(() => assertDistinctDisks(['/dev/rdisk4', '/dev/rdisk5'])).not.toThrow();
  });
});
