import { describe, expect, it } from 'vitest';
import { recordedOutput } from '../../../test/fixtures/drives/recorded.js';
import type { Drive } from './drive.js';
import { parseLsblk } from './parse-lsblk.js';

function drives(file: string): Map<string, Drive> {
  return new Map(parseLsblk(recordedOutput(file)).map((d) => [d.device, d]));
}

describe('parseLsblk', () => {
  it('counts RM=1, USB and MMC as removable, not HOTPLUG alone (a Thunderbolt NVMe is a built-in disk)', () => {
    const node = (name: string, tran: string, rm: boolean) => ({
      name,
      type: 'disk',
      size: 1e12,
      rm,
      hotplug: true,
      tran,
    });
    const json = JSON.stringify({
      blockdevices: [node('nvme1n1', 'nvme', false), node('sdc', 'usb', false), node('sdd', 'sata', true)],
    });
    const byName = new Map(parseLsblk(json).map((d) => [d.device, d.removable]));
    expect(Object.fromEntries(byName)).toEqual({ '/dev/nvme1n1': false, '/dev/sdc': true, '/dev/sdd': true });
  });

  it('reads an SD card in a USB reader with its auto-mounted partitions', () => {
    const all = drives('lsblk-laptop-sd-in-usb-reader.json');
    expect(all.get('/dev/sdb')).toEqual({
      device: '/dev/sdb',
      rawDevice: '/dev/sdb',
      name: 'Generic- SD/MMC/MS PRO',
      sizeBytes: 31914983424,
      model: 'SD/MMC/MS PRO',
      vendor: 'Generic-',
      serial: '20120501030900000',
      bus: 'usb',
      removable: true,
      readOnly: false,
      mountpoints: ['/media/alice/FIRMWARE', '/media/alice/NIXOS_SD'],
      partitions: [
        {
          device: '/dev/sdb1',
          sizeBytes: 31457280,
          label: 'FIRMWARE',
          fsType: 'vfat',
          mountpoints: ['/media/alice/FIRMWARE'],
        },
        {
          device: '/dev/sdb2',
          sizeBytes: 31874088448,
          label: 'NIXOS_SD',
          fsType: 'ext4',
          mountpoints: ['/media/alice/NIXOS_SD'],
        },
      ],
    });
  });

  it('folds mounts nested in LUKS into the disk, maps [SWAP] and skips zram', () => {
    const all = drives('lsblk-laptop-sd-in-usb-reader.json');
    expect([...all.keys()]).toEqual(['/dev/loop0', '/dev/loop1', '/dev/sdb', '/dev/nvme0n1']);
    const nvme = all.get('/dev/nvme0n1');
    expect(nvme).toMatchObject({ bus: 'nvme', removable: false, name: 'Samsung SSD 970 EVO Plus 1TB' });
    expect(nvme?.mountpoints).toEqual(['/boot/efi', '/', 'swap']);
    expect(nvme?.partitions[1]?.mountpoints).toEqual(['/']);
    expect(all.get('/dev/loop1')).toMatchObject({
      bus: 'loop',
      readOnly: true,
      mountpoints: ['/snap/core22/1380'],
    });
  });

  it('treats a built-in reader (mmcblk, no transport, rm 0) as a removable mmc card', () => {
    const card = drives('lsblk-laptop-builtin-sd-reader.json').get('/dev/mmcblk0');
    expect(card).toMatchObject({ bus: 'mmc', removable: true, name: 'SD card (mmcblk0)', mountpoints: [] });
    expect(card?.partitions.map((p) => p.device)).toEqual(['/dev/mmcblk0p1', '/dev/mmcblk0p2']);
  });

  it.each([
    ['/dev/sda', { bus: 'sata', vendor: 'ATA', name: 'WDC WD20EZAZ-00GGJB0', mountpoints: ['/home'] }],
    ['/dev/sdc', { bus: 'usb', removable: true, name: 'Kingston DataTraveler 3.0' }],
    ['/dev/sdd', { bus: 'usb', removable: true, sizeBytes: 274877906944, name: 'Samsung PSSD T7' }],
    ['/dev/sde', { bus: 'usb', readOnly: true }],
    ['/dev/sdf', { bus: 'usb', sizeBytes: 0, partitions: [] }],
    ['/dev/nvme0n1', { bus: 'nvme', mountpoints: ['/boot', '/nix/store', '/nix', '/'] }],
  ])('reads %s of a desktop', (device, expected) => {
    expect(drives('lsblk-desktop-usb-and-sata.json').get(device)).toMatchObject(expected);
  });

  it('reads util-linux before 2.33: strings everywhere, no path, mountpoint singular, no cd drives', () => {
    const all = drives('lsblk-old-util-linux.json');
    expect([...all.keys()]).toEqual(['/dev/sda', '/dev/sdb']);
    expect(all.get('/dev/sda')).toMatchObject({
      sizeBytes: 250059350016,
      removable: false,
      readOnly: false,
      model: 'Samsung SSD 860',
      mountpoints: ['/', 'swap'],
    });
    expect(all.get('/dev/sdb')).toMatchObject({
      removable: true,
      name: 'SanDisk Ultra Fit',
      mountpoints: ['/media/pi/USB'],
    });
    expect(all.get('/dev/sdb')?.partitions[0]?.device).toBe('/dev/sdb1');
  });

  it('reads the recording of the machine the tests were written on (virtio root disk, zram, a bench loop)', () => {
    const all = drives('lsblk-this-machine.json');
    expect([...all.keys()]).toEqual(['/dev/loop0', '/dev/vda']);
    expect(all.get('/dev/loop0')).toMatchObject({ bus: 'loop', sizeBytes: 3221225472, removable: false });
    expect(all.get('/dev/vda')).toMatchObject({ bus: 'virtual', mountpoints: ['/'], partitions: [] });
  });

  it('returns no drives for an empty list and refuses output that is not JSON', () => {
    expect(parseLsblk('{"blockdevices": []}')).toEqual([]);
    expect(() => parseLsblk('lsblk: unknown column: MOUNTPOINTS')).toThrow(
      expect.objectContaining({ code: 'drive-list-unreadable' }),
    );
  });
});
