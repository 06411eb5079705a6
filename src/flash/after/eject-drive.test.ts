import { describe, expect, it } from 'vitest';
import type { Drive } from '../drives/drive.js';
import { ejectDrive, planEject } from './eject-drive.js';

const drive = (device: string, bus: Drive['bus']): Drive => ({
  device,
  rawDevice: device.replace('/dev/disk', '/dev/rdisk'),
  name: device.slice(5),
  sizeBytes: 32e9,
  model: null,
  vendor: null,
  serial: null,
  bus,
  removable: true,
  readOnly: false,
  mountpoints: [],
  partitions: [],
});

describe('planEject', () => {
  it('powers a Linux card off with udisksctl, falling back to eject', () => {
    expect(planEject(drive('/dev/sdb', 'usb'), 'linux')).toEqual({
      kind: 'run',
      attempts: [
        { program: 'udisksctl', args: ['power-off', '-b', '/dev/sdb', '--no-user-interaction'] },
        { program: 'eject', args: ['/dev/sdb'] },
      ],
    });
  });

  it('ejects with diskutil on macOS, the disk node rather than the raw one', () => {
    expect(planEject(drive('/dev/disk4', 'sd'), 'darwin')).toEqual({
      kind: 'run',
      attempts: [{ program: 'diskutil', args: ['eject', '/dev/disk4'] }],
    });
  });

  it('leaves loop devices alone and says why', async () => {
    const loop = drive('/dev/loop7', 'loop');
    expect(planEject(loop, 'linux')).toMatchObject({ kind: 'skip', reason: expect.stringContaining('loop') });
    const lines: string[] = [];
    expect(await ejectDrive(loop, { log: (line) => lines.push(line), platform: 'linux' })).toBe(false);
    expect(lines.join('\n')).toMatch(/Not ejecting: \/dev\/loop7 is a loop device/);
  });
});
