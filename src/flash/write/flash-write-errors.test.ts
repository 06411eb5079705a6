import { describe, expect, it } from 'vitest';
import { DeviceWriteFailure } from './device-write-failure.js';
import { deviceIoError } from './flash-write-errors.js';

const MIB = 1024 * 1024;
const errno = (code: string) => Object.assign(new Error(code), { code });
const at = (code: string, offset: number, end: number) =>
  new DeviceWriteFailure(code, offset, end, errno(code));

describe('deviceIoError', () => {
  it.each([
    [
      'ENOSPC past the stated end: the image did not fit',
      at('ENOSPC', 64 * MIB, 68 * MIB),
      'flash-device-too-small',
    ],
    ['a short write at the end', at('ENOSPC', 64 * MIB, 64 * MIB + 4096), 'flash-device-too-small'],
    [
      'ENOSPC well inside: the card refused room it claims',
      at('ENOSPC', 48 * MIB, 52 * MIB),
      'flash-device-gone',
    ],
    ['EIO mid-card', at('EIO', 5 * MIB, 9 * MIB), 'flash-device-gone'],
    ['ENODEV (pulled out)', at('ENODEV', 5 * MIB, 9 * MIB), 'flash-device-gone'],
    ['EIO from a flush (no offset)', errno('EIO'), 'flash-device-gone'],
    ['ENOSPC from a flush (no offset)', errno('ENOSPC'), 'flash-device-too-small'],
  ])('%s', (_name, error, code) => {
    expect(deviceIoError('/dev/sdx', 3 * MIB, 64 * MIB, error)).toMatchObject({ code });
  });

  it('names the device, the byte it failed at and the errno, and says the card is unusable', () => {
    const mapped = deviceIoError('/dev/sdx', 3 * MIB, 64 * MIB, at('EIO', 5 * MIB, 9 * MIB)) as Error;
    expect(mapped.message).toContain('/dev/sdx');
    expect(mapped.message).toContain(`at byte ${5 * MIB}`);
    expect(mapped.message).toContain('EIO');
    expect(mapped.message).toMatch(/unusable until it is flashed again/);
  });

  it('passes an unknown errno through as the system error it was', () => {
    const original = errno('EROFS');
    expect(deviceIoError('/dev/sdx', 0, 64 * MIB, new DeviceWriteFailure('EROFS', 0, 4096, original))).toBe(
      original,
    );
  });
});
