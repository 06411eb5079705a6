import { describe, expect, it } from 'vitest';
import { recordedDiskutilInfos, recordedOutput } from '../../../test/fixtures/drives/recorded.js';
import { parseDiskutil, wholeDisksOf } from './parse-diskutil.js';

const list = recordedOutput('diskutil-list.plist');

describe('parseDiskutil', () => {
  it('names every whole disk, synthesized ones included, for "diskutil info"', () => {
    expect(wholeDisksOf(list)).toEqual(['disk0', 'disk1', 'disk2', 'disk3', 'disk4', 'disk5']);
  });

  it('folds synthesized APFS disks into the internal SSD that stores them', () => {
    const drives = parseDiskutil(list, recordedDiskutilInfos());
    expect(drives.map((d) => d.device)).toEqual(['/dev/disk0', '/dev/disk4', '/dev/disk5']);
    const ssd = drives[0];
    expect(ssd).toMatchObject({
      rawDevice: '/dev/rdisk0',
      name: 'APPLE SSD AP0512Z',
      bus: 'nvme',
      removable: false,
      sizeBytes: 500277790720,
    });
    expect(ssd?.mountpoints).toEqual(
      expect.arrayContaining([
        '/',
        '/System/Volumes/Data',
        '/System/Volumes/Preboot',
        '/System/Volumes/iSCPreboot',
      ]),
    );
    expect(ssd?.partitions[1]).toMatchObject({ device: '/dev/disk0s2', fsType: 'Apple_APFS' });
    expect(ssd?.partitions[1]?.mountpoints).toContain('/');
  });

  it('reads an SD card in the built-in reader and a USB stick with their mounted volumes', () => {
    const [, card, stick] = parseDiskutil(list, recordedDiskutilInfos());
    expect(card).toEqual({
      device: '/dev/disk4',
      rawDevice: '/dev/rdisk4',
      name: 'SDXC Card',
      sizeBytes: 31914983424,
      model: 'SDXC Card',
      vendor: null,
      serial: null,
      bus: 'sd',
      removable: true,
      readOnly: false,
      mountpoints: ['/Volumes/FIRMWARE'],
      partitions: [
        {
          device: '/dev/disk4s1',
          sizeBytes: 31457280,
          label: 'FIRMWARE',
          fsType: 'Windows_FAT_32',
          mountpoints: ['/Volumes/FIRMWARE'],
        },
        { device: '/dev/disk4s2', sizeBytes: 31874088448, label: null, fsType: 'Linux', mountpoints: [] },
      ],
    });
    expect(stick).toMatchObject({
      device: '/dev/disk5',
      bus: 'usb',
      removable: true,
      name: 'SanDisk Cruzer Blade',
      mountpoints: ['/Volumes/UNTITLED'],
    });
  });

  it('keeps a disk that vanished before "diskutil info" as unknown and built-in; reads a locked card as read-only', () => {
    const infos = recordedDiskutilInfos();
    delete infos.disk5;
    infos.disk4 = (infos.disk4 ?? '').replace(
      /<key>WritableMedia<\/key>\s*<true\/>/,
      '<key>WritableMedia</key>\n\t<false/>',
    );
    const drives = parseDiskutil(list, infos);
    expect(drives.find((d) => d.device === '/dev/disk4')?.readOnly).toBe(true);
    // Without its info the stick still shows from the list alone, as an unknown bus, never as something safer.
    expect(drives.find((d) => d.device === '/dev/disk5')).toMatchObject({ bus: 'unknown', removable: false });
  });

  it('refuses output that is not a property list', () => {
    expect(() => wholeDisksOf('Could not find disk')).toThrow(
      expect.objectContaining({ code: 'drive-list-unreadable' }),
    );
  });
});
