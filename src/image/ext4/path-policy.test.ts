import { describe, expect, it } from 'vitest';
import type { InjectFile } from './ext4-types.js';
import { checkInjectFiles, parentDirs, pathRefusal } from './path-policy.js';

const file = (path: string, extra: Partial<InjectFile> = {}): InjectFile => ({
  path,
  content: Buffer.from('x'),
  mode: 0o600,
  uid: 0,
  gid: 0,
  ...extra,
});

describe('pathRefusal', () => {
  it.each([
    ['/var/lib/bootstrap/ssh_host_ed25519_key', null],
    ['/var/lib/networkmanager/system-connections.env', null],
    ['/var/lib/with space/file', null],
    ['/var/lib/x', null],
    ['/etc/x', /only files under \/var\/lib\//],
    ['/etc/ssh/ssh_host_ed25519_key', /only files under/],
    ['/var/lib/../../etc/x', /not normalized/],
    ['/var/lib/./x', /not normalized/],
    ['/var/lib//x', /not normalized/],
    ['/var/lib/x/', /not normalized/],
    ['/var/lib/', /not normalized/],
    ['/var/lib', /only files under/],
    ['/var/libx/y', /only files under/],
    ['/var/log/x', /only files under/],
    ['var/lib/x', /not absolute/],
    ['', /empty/],
    ['/var/lib/a"b', /double quote/],
    ['/var/lib/a\nb', /control character/],
    [`/var/lib/${'n'.repeat(256)}`, /over 255 bytes/],
    [`/var/lib/${'d/'.repeat(200)}x`, /longer than 400 bytes/],
  ])('%j → %s', (path, expected) => {
    const reason = pathRefusal(path);
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });
});

describe('checkInjectFiles', () => {
  it('accepts the bootstrap files', () => {
    expect(() =>
      checkInjectFiles([
        file('/var/lib/bootstrap/ssh_host_ed25519_key'),
        file('/var/lib/bootstrap/ssh_host_ed25519_key.pub', { mode: 0o644 }),
        file('/var/lib/networkmanager/system-connections.env', { uid: 70000, gid: 4294967294 }),
      ]),
    ).not.toThrow();
  });

  it.each([
    ['an /etc path', [file('/etc/x')], /Refusing to write "\/etc\/x": only files under/],
    ['setuid bits', [file('/var/lib/x', { mode: 0o4755 })], /not plain permission bits/],
    ['a fractional mode', [file('/var/lib/x', { mode: 1.5 })], /not plain permission bits/],
    ['uid -1', [file('/var/lib/x', { uid: -1 })], /uid -1 is not a valid id/],
    ['gid 2^32-1', [file('/var/lib/x', { gid: 0xffffffff })], /gid 4294967295/],
    ['a duplicate', [file('/var/lib/x'), file('/var/lib/x')], /listed twice/],
    ['a file under a file', [file('/var/lib/x'), file('/var/lib/x/y')], /\/var\/lib\/x is also listed/],
    ['nothing', [], /No files/],
  ])('refuses %s', (_name, files, message) => {
    expect(() => checkInjectFiles(files)).toThrow(message);
    expect(() => checkInjectFiles(files)).toThrow(expect.objectContaining({ code: 'ext4-path-refused' }));
  });

  it('hints at /var/lib for paths outside it', () => {
    expect(() => checkInjectFiles([file('/etc/x')])).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/under \/var\/lib\/.*nothing was written/) }),
    );
  });
});

describe('parentDirs', () => {
  it('lists the directories above a path, outermost first', () => {
    expect(parentDirs('/var/lib/bootstrap/key')).toEqual(['/var', '/var/lib', '/var/lib/bootstrap']);
    expect(parentDirs('/x')).toEqual([]);
  });
});
