import { describe, expect, it } from 'vitest';
import { recordedDiskutilInfos, recordedOutput } from '../../../test/fixtures/drives/recorded.js';
import type { Drive } from './drive.js';
import { assessDrive, describeVerdict, type DriveVerdict, type SafetyContext } from './drive-safety.js';
import { parseDiskutil } from './parse-diskutil.js';
import { parseLsblk } from './parse-lsblk.js';

const GIB = 1024 ** 3;
const machines = {
  laptop: parseLsblk(recordedOutput('lsblk-laptop-sd-in-usb-reader.json')),
  'sd-reader': parseLsblk(recordedOutput('lsblk-laptop-builtin-sd-reader.json')),
  desktop: parseLsblk(recordedOutput('lsblk-desktop-usb-and-sata.json')),
  ci: parseLsblk(recordedOutput('lsblk-ci-loop.json')),
  'old-lsblk': parseLsblk(recordedOutput('lsblk-old-util-linux.json')),
  mac: parseDiskutil(recordedOutput('diskutil-list.plist'), recordedDiskutilInfos()),
};
type Machine = keyof typeof machines;

function drive(machine: Machine, device: string): Drive {
  const found = machines[machine].find((d) => d.device === device);
  if (!found) throw new Error(`no recorded drive ${device} on ${machine}`);
  return found;
}

const noImage: SafetyContext = {
  imageSizeBytes: null,
  sourcePath: null,
  sourceDevice: null,
  showAllDrives: false,
};
const image4g: SafetyContext = {
  ...noImage,
  imageSizeBytes: 4 * GIB,
  sourcePath: '/home/alice/nixos-sd.img',
};

type Expected = Pick<DriveVerdict, 'offered' | 'writable' | 'needsConfirmation'> & { codes: string[] };
const refused = (...codes: string[]): Expected => ({
  offered: false,
  writable: false,
  needsConfirmation: false,
  codes,
});
const greyed = (...codes: string[]): Expected => ({
  offered: true,
  writable: false,
  needsConfirmation: false,
  codes,
});
const ok = (...codes: string[]): Expected => ({
  offered: true,
  writable: true,
  needsConfirmation: false,
  codes,
});
const confirm = (...codes: string[]): Expected => ({
  offered: true,
  writable: true,
  needsConfirmation: true,
  codes,
});
const hidden = (...codes: string[]): Expected => ({
  offered: false,
  writable: false,
  needsConfirmation: false,
  codes,
});
const showAll = (context: SafetyContext): SafetyContext => ({ ...context, showAllDrives: true });

// [what, recorded machine, device, context, expected verdict]
const table: [string, Machine, string, SafetyContext, Expected][] = [
  ['SD card in a USB reader, its partitions auto-mounted', 'laptop', '/dev/sdb', image4g, ok('mounted')],
  ['built-in SD reader (mmcblk0)', 'sd-reader', '/dev/mmcblk0', image4g, ok()],
  ['USB stick', 'desktop', '/dev/sdc', image4g, ok()],
  [
    'NVMe with /, /boot/efi and swap',
    'laptop',
    '/dev/nvme0n1',
    noImage,
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  [
    'NVMe with /, even with show all',
    'laptop',
    '/dev/nvme0n1',
    showAll(noImage),
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  [
    'NixOS NVMe with /nix/store, show all',
    'desktop',
    '/dev/nvme0n1',
    showAll(image4g),
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  [
    'SATA data disk with /home, show all',
    'desktop',
    '/dev/sda',
    showAll(noImage),
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  ['256 GiB USB SSD', 'desktop', '/dev/sdd', image4g, confirm('large-drive', 'mounted')],
  ['read-only card', 'desktop', '/dev/sde', image4g, greyed('read-only')],
  ['empty card reader slot', 'desktop', '/dev/sdf', showAll(noImage), refused('no-media')],
  [
    '8 GB card, image of 4 GiB',
    'desktop',
    '/dev/sde',
    { ...image4g, imageSizeBytes: 9 * GIB },
    greyed('read-only', 'too-small'),
  ],
  [
    '16 GB built-in card, 32 GiB image',
    'sd-reader',
    '/dev/mmcblk0',
    { ...image4g, imageSizeBytes: 32 * GIB },
    greyed('too-small'),
  ],
  [
    'card holding the image file (by mountpoint)',
    'laptop',
    '/dev/sdb',
    { ...image4g, sourcePath: '/media/alice/NIXOS_SD/img/x.img' },
    refused('holds-source', 'mounted'),
  ],
  [
    'card holding the image file (by device)',
    'desktop',
    '/dev/sdc',
    { ...image4g, sourcePath: '/mnt/x.img', sourceDevice: '/dev/sdc1' },
    refused('holds-source'),
  ],
  [
    'a mount that only starts like the image path',
    'laptop',
    '/dev/sdb',
    { ...image4g, sourcePath: '/media/alice/FIRMWARE2/x.img' },
    ok('mounted'),
  ],
  ['loop device', 'ci', '/dev/loop0', noImage, hidden('loop-device')],
  ['loop device with show all', 'ci', '/dev/loop0', showAll(image4g), greyed('too-small', 'loop-device')],
  [
    'loop device with show all, image fits',
    'ci',
    '/dev/loop0',
    showAll({ ...image4g, imageSizeBytes: 32 * 1024 ** 2 }),
    ok('loop-device'),
  ],
  [
    'mounted loop device holding the image',
    'ci',
    '/dev/loop1',
    showAll({ ...noImage, sourcePath: '/tmp/flash-test/mnt/a.img' }),
    refused('holds-source', 'loop-device', 'mounted'),
  ],
  [
    'read-only snap loop',
    'laptop',
    '/dev/loop1',
    showAll(noImage),
    greyed('read-only', 'loop-device', 'mounted'),
  ],
  [
    'virtio root disk',
    'ci',
    '/dev/vda',
    showAll(noImage),
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  [
    'old util-linux: SATA root with swap',
    'old-lsblk',
    '/dev/sda',
    showAll(noImage),
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  ['old util-linux: USB stick', 'old-lsblk', '/dev/sdb', image4g, ok('mounted')],
  [
    'macOS internal SSD (synthesized / folded in)',
    'mac',
    '/dev/disk0',
    showAll(noImage),
    refused('system-disk', 'internal-disk', 'large-drive'),
  ],
  ['macOS SD card, built-in reader', 'mac', '/dev/disk4', image4g, ok('mounted')],
  ['macOS USB stick', 'mac', '/dev/disk5', image4g, ok('mounted')],
];

describe('assessDrive', () => {
  it.each(table)('%s', (_what, machine, device, context, expected) => {
    const verdict = assessDrive(drive(machine, device), context);
    expect({
      offered: verdict.offered,
      writable: verdict.writable,
      needsConfirmation: verdict.needsConfirmation,
      codes: verdict.reasons.map((r) => r.code),
    }).toEqual(expected);
    for (const reason of verdict.reasons) expect(reason.message.length).toBeGreaterThan(10);
  });

  it('offers a SATA data disk without system mounts only with show all, and then only after naming it', () => {
    const data: Drive = { ...drive('desktop', '/dev/sda'), mountpoints: [], partitions: [] };
    expect(assessDrive(data, image4g)).toMatchObject({
      offered: false,
      writable: false,
      confirmationText: null,
    });
    expect(assessDrive(data, showAll(image4g))).toMatchObject({
      offered: true,
      writable: true,
      needsConfirmation: true,
      confirmationText: 'WDC WD20EZAZ-00GGJB0 (2 TB)',
    });
  });

  it('asks to confirm a large USB SSD by its name and size', () => {
    expect(assessDrive(drive('desktop', '/dev/sdd'), image4g).confirmationText).toBe(
      'Samsung PSSD T7 (275 GB)',
    );
  });

  it('refuses a disk with the root of a Raspberry Pi running from its card', () => {
    const pi: Drive = { ...drive('sd-reader', '/dev/mmcblk0'), mountpoints: ['/boot/firmware', '/'] };
    expect(assessDrive(pi, showAll(image4g)).reasons.map((r) => r.code)).toEqual(['system-disk']);
  });

  it('describes a verdict in one line', () => {
    expect(describeVerdict(assessDrive(drive('sd-reader', '/dev/mmcblk0'), image4g))).toBe('ok');
    expect(describeVerdict(assessDrive(drive('laptop', '/dev/nvme0n1'), noImage))).toMatch(
      /^refused: Runs this computer \(\/boot\/efi, \/, swap mounted from it\): never written\./,
    );
    expect(describeVerdict(assessDrive(drive('ci', '/dev/loop0'), noImage))).toMatch(/^hidden: Loop device/);
    expect(describeVerdict(assessDrive(drive('desktop', '/dev/sdd'), image4g))).toMatch(
      /^confirm first: Large for an SD card/,
    );
    expect(describeVerdict(assessDrive(drive('desktop', '/dev/sde'), image4g))).toMatch(
      /^refused: Read-only/,
    );
    expect(describeVerdict(assessDrive(drive('laptop', '/dev/sdb'), image4g))).toBe(
      'ok: Mounted at /media/alice/FIRMWARE, /media/alice/NIXOS_SD: will be unmounted before writing.',
    );
  });
});
