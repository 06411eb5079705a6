import { describe, expect, it } from 'vitest';
import type { Drive } from '../drives/drive.js';
import { planUnmount } from './unmount-drive.js';

function card(overrides: Partial<Drive> = {}): Drive {
  return {
    device: '/dev/sdb',
    rawDevice: '/dev/sdb',
    name: 'sdb',
    sizeBytes: 32e9,
    model: 'SD Card',
    vendor: null,
    serial: null,
    bus: 'usb',
    removable: true,
    readOnly: false,
    mountpoints: ['/media/me/FIRMWARE', '/media/me/NIXOS_SD'],
    partitions: [
      {
        device: '/dev/sdb1',
        sizeBytes: 1,
        label: 'FIRMWARE',
        fsType: 'vfat',
        mountpoints: ['/media/me/FIRMWARE'],
      },
      {
        device: '/dev/sdb2',
        sizeBytes: 1,
        label: 'NIXOS_SD',
        fsType: 'ext4',
        mountpoints: ['/media/me/NIXOS_SD'],
      },
    ],
    ...overrides,
  };
}

describe('planUnmount', () => {
  it('on Linux unmounts each mounted partition with udisksctl, then umount as the fallback', () => {
    expect(planUnmount(card(), 'linux')).toEqual([
      {
        device: '/dev/sdb1',
        mountpoints: ['/media/me/FIRMWARE'],
        attempts: [
          { program: 'udisksctl', args: ['unmount', '-b', '/dev/sdb1', '--no-user-interaction'] },
          { program: 'umount', args: ['/media/me/FIRMWARE'] },
        ],
      },
      {
        device: '/dev/sdb2',
        mountpoints: ['/media/me/NIXOS_SD'],
        attempts: [
          { program: 'udisksctl', args: ['unmount', '-b', '/dev/sdb2', '--no-user-interaction'] },
          { program: 'umount', args: ['/media/me/NIXOS_SD'] },
        ],
      },
    ]);
  });

  it('on macOS unmounts the whole disk once', () => {
    const mac = card({ device: '/dev/disk4', rawDevice: '/dev/rdisk4' });
    expect(planUnmount(mac, 'darwin')).toEqual([
      {
        device: '/dev/disk4',
        mountpoints: ['/media/me/FIRMWARE', '/media/me/NIXOS_SD'],
        attempts: [{ program: 'diskutil', args: ['unmountDisk', '/dev/disk4'] }],
      },
    ]);
  });

  it('does nothing for an unmounted card and skips swap', () => {
    const idle = card({
      mountpoints: ['swap'],
      partitions: [{ device: '/dev/sdb1', sizeBytes: 1, label: null, fsType: 'swap', mountpoints: ['swap'] }],
    });
    expect(planUnmount(idle, 'linux')).toEqual([]);
    expect(planUnmount(idle, 'darwin')).toEqual([]);
  });

  it('unmounts a file system straight on the disk, and only devices of the drive passed', () => {
    const bare = card({ mountpoints: ['/media/me/STICK'], partitions: [] });
    const steps = planUnmount(bare, 'linux');
    expect(steps.map((s) => s.device)).toEqual(['/dev/sdb']);
    expect(steps.flatMap((s) => s.attempts.flatMap((a) => a.args))).not.toContain('/dev/sda');
  });
});
