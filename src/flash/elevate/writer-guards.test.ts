import { describe, expect, it } from 'vitest';
import type { Drive } from '../drives/drive.js';
import { assertDeviceAllowed } from './writer-guards.js';

function disk(device: string, mountpoints: string[], bus: Drive['bus'] = 'sata'): Drive {
  return {
    device,
    rawDevice: device,
    name: 'WDC WD20EZAZ',
    sizeBytes: 2e12,
    model: 'WD20EZAZ',
    vendor: 'WDC',
    serial: null,
    bus,
    removable: false,
    readOnly: false,
    mountpoints,
    partitions: [],
  };
}

describe('the writer re-checks the device as root', () => {
  const data = disk('/dev/sdb', []);
  const system = disk('/dev/nvme0n1', ['/', '/boot/efi'], 'nvme');

  it('refuses a built-in disk unless the user confirmed it in the app', async () => {
    await expect(assertDeviceAllowed('/dev/sdb', '/home/u/pi.img', [data, system])).rejects.toMatchObject({
      code: 'internal-disk',
    });
    await expect(assertDeviceAllowed('/dev/sdb', '/home/u/pi.img', [data, system], true)).resolves.toBe(data);
  });

  it('refuses a system disk whatever the request says', async () => {
    await expect(
      assertDeviceAllowed('/dev/nvme0n1', '/home/u/pi.img', [data, system], true),
    ).rejects.toMatchObject({
      code: 'system-disk',
    });
  });
});
