import { describe, expect, it } from 'vitest';
import type { Drive } from '../drives/drive.js';
import { namedDiskOf } from './named-disk.js';
import { assertDeviceAllowed, findInvokingUser, writerScopeOf } from './writer-guards.js';

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

  const internal = { scope: 'internal', disk: null, user: null } as const;

  it('refuses a built-in disk unless the internal-disk authorization named it', async () => {
    await expect(assertDeviceAllowed('/dev/sdb', '/home/u/pi.img', [data, system])).rejects.toMatchObject({
      code: 'internal-disk',
    });
    await expect(
      assertDeviceAllowed('/dev/sdb', '/home/u/pi.img', [data, system], internal),
    ).rejects.toMatchObject({ code: 'internal-disk-not-named' });
    const other = { ...internal, disk: { name: 'ata-Other_Disk_X1', sizeBytes: 2e12 } };
    await expect(
      assertDeviceAllowed('/dev/sdb', '/home/u/pi.img', [data, system], other),
    ).rejects.toMatchObject({
      code: 'internal-disk-not-named',
    });
  });

  it('refuses a system disk whatever the request says', async () => {
    const named = { ...internal, disk: { name: 'nvme0n1', sizeBytes: 2e12 } };
    await expect(
      assertDeviceAllowed('/dev/nvme0n1', '/home/u/pi.img', [data, system], named),
    ).rejects.toMatchObject({
      code: 'system-disk',
    });
  });
});

describe('whom and under which authorization the writer works', () => {
  it('takes the named disk only in its strict shape: a by-id or kernel name, and bytes', () => {
    const env = (name: string, bytes = '2000398934016') => ({
      COMPANION_WRITER_DISK: name,
      COMPANION_WRITER_DISK_BYTES: bytes,
    });
    expect(namedDiskOf(env('ata-WDC_WD20EZAZ-00L_WD-WX12:0'))).toEqual({
      name: 'ata-WDC_WD20EZAZ-00L_WD-WX12:0',
      sizeBytes: 2000398934016,
    });
    expect(namedDiskOf({})).toBeNull();
    for (const bad of [
      env('../../sda'),
      env('.x'),
      env('a/b'),
      env('a b'),
      env(''),
      env('sda', '012'),
      env('sda', '1e9'),
    ])
      expect(() => namedDiskOf(bad)).toThrow(/malformed/);
    expect(() => namedDiskOf({ COMPANION_WRITER_DISK: 'sda' })).toThrow(/malformed/);
  });

  it('takes the scope only from the launcher-set variable, and nothing else as internal', () => {
    expect(writerScopeOf({ COMPANION_WRITER_SCOPE: 'internal' })).toBe('internal');
    expect(writerScopeOf({ COMPANION_WRITER_SCOPE: 'INTERNAL' })).toBe('removable');
    expect(writerScopeOf({})).toBe('removable');
  });

  it.skipIf(process.getuid?.() !== 0)(
    'looks the user up without running a program, and refuses an unknown one',
    () => {
      // No PATH at all, as on NixOS under pkexec's fixed one: nothing may be looked up through it.
      const env = { PKEXEC_UID: '65534', PATH: '/nonexistent' };
      expect(findInvokingUser(env, null)).toEqual({ uid: 65534, gid: 65534 });
      expect(findInvokingUser({}, 65534)).toEqual({ uid: 65534, gid: 65534 });
      expect(findInvokingUser({}, null)).toBeNull();
      expect(() => findInvokingUser({ PKEXEC_UID: '4242424' }, null)).toThrow(/no account/);
      expect(() => findInvokingUser({ PKEXEC_UID: '1; rm' }, null)).toThrow(/not a user id/);
      // Pipes owned by root never come from the unprivileged app: no user could be established.
      expect(() => findInvokingUser({}, 0)).toThrow(/belong to root/);
      expect(process.geteuid?.()).toBe(0);
    },
  );
});
