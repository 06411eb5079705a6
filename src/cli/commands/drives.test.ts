import { describe, expect, it } from 'vitest';
import type { Drive } from '../../flash/drives/drive.js';
import { assessDrive } from '../../flash/drives/drive-safety.js';
import { formatDriveChoices } from './drives.js';

const drive = (overrides: Partial<Drive>): Drive => ({
  device: '/dev/mmcblk0',
  rawDevice: '/dev/mmcblk0',
  name: 'SD card (mmcblk0)',
  sizeBytes: 31914983424,
  model: null,
  vendor: null,
  serial: null,
  bus: 'mmc',
  removable: true,
  readOnly: false,
  mountpoints: [],
  partitions: [],
  ...overrides,
});
const context = { imageSizeBytes: null, sourcePath: null, sourceDevice: null, showAllDrives: false };

describe('formatDriveChoices', () => {
  it('lists each drive with its verdict and reasons', () => {
    const drives = [
      drive({}),
      drive({
        device: '/dev/nvme0n1',
        name: 'WD_BLACK SN770',
        bus: 'nvme',
        removable: false,
        sizeBytes: 5e11,
        mountpoints: ['/'],
      }),
      drive({
        device: '/dev/loop0',
        name: 'Loop device (loop0)',
        bus: 'loop',
        removable: false,
        sizeBytes: 67108864,
      }),
    ];
    const text = formatDriveChoices(drives.map((d) => ({ drive: d, verdict: assessDrive(d, context) })));
    expect(text).toBe(
      [
        'DEVICE           SIZE  BUS   MODEL                VERDICT',
        '/dev/mmcblk0  31.9 GB  mmc   SD card (mmcblk0)    ok',
        '/dev/nvme0n1   500 GB  nvme  WD_BLACK SN770       refused: Runs this computer (/ mounted from it): never written.',
        '/dev/loop0    67.1 MB  loop  Loop device (loop0)  hidden: Loop device (a file used as a disk): shown only with "show all".',
        '',
        'Drives marked hidden are offered with --all (built-in disks then need confirming).',
        '',
      ].join('\n'),
    );
  });

  it('says what to do when there are no drives', () => {
    expect(formatDriveChoices([])).toMatch(/^No drives found/);
  });
});
