import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { InjectFile, ReadBackFile } from './ext4-types.js';
import { describeMismatches, verifyInjectedFiles } from './verify-files.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY: InjectFile = {
  path: '/var/lib/b/key',
  content: Buffer.from('secret'),
  mode: 0o600,
  uid: 0,
  gid: 0,
};
const good: ReadBackFile = {
  path: KEY.path,
  exists: true,
  type: 'file',
  mode: 0o600,
  uid: 0,
  gid: 0,
  size: 6,
  sha256: sha('secret'),
};
const DIR = { path: '/var/lib/b', mode: 0o755, uid: 0, gid: 0 };
const goodDir: ReadBackFile = { ...DIR, exists: true, type: 'dir', size: 1024, sha256: null };
const missing = (path: string): ReadBackFile => ({
  path,
  exists: false,
  type: 'other',
  mode: 0,
  uid: 0,
  gid: 0,
  size: 0,
  sha256: null,
});

describe('verifyInjectedFiles', () => {
  it('names sizes and digests of a file anyone may read, never of a secret one (0600)', () => {
    const pub = { ...KEY, mode: 0o644 };
    const shorter = { ...good, mode: 0o644, size: 2 };
    expect(verifyInjectedFiles([pub], [shorter])).toMatchObject([{ expected: '6 bytes', actual: '2 bytes' }]);
    const other = { ...good, mode: 0o644, sha256: sha('SECRET') };
    expect(verifyInjectedFiles([pub], [other])).toMatchObject([{ expected: sha('secret') }]);
    const text = describeMismatches(verifyInjectedFiles([KEY], [{ ...good, size: 2, sha256: sha('se') }]));
    expect(text).not.toMatch(/\d+ bytes|[0-9a-f]{64}/);
  });

  it('finds nothing wrong when everything matches', () => {
    expect(verifyInjectedFiles([KEY], [goodDir, good], [DIR])).toEqual([]);
  });

  it.each([
    ['missing', [missing(KEY.path)], [{ field: 'missing', expected: 'a file', actual: 'nothing' }]],
    ['not read back at all', [], [{ field: 'missing' }]],
    [
      'a directory',
      [{ ...good, type: 'dir' as const }],
      [{ field: 'type', expected: 'file', actual: 'dir' }],
    ],
    [
      'other bytes, same length',
      [{ ...good, sha256: sha('SECRET') }],
      [{ field: 'sha256', expected: 'the content written', actual: 'other content' }],
    ],
    [
      'a different size',
      [{ ...good, size: 0 }],
      [{ field: 'size', expected: 'the length written', actual: 'another length' }],
    ],
    ['wrong mode', [{ ...good, mode: 0o644 }], [{ field: 'mode', expected: '0600', actual: '0644' }]],
    [
      'wrong owner',
      [{ ...good, uid: 1000, gid: 100 }],
      [
        { field: 'uid', actual: '1000' },
        { field: 'gid', actual: '100' },
      ],
    ],
  ])('names the file and field when it is %s', (_name, actual, expected) => {
    const mismatches = verifyInjectedFiles([KEY], actual);
    expect(mismatches).toEqual(expected.map((m) => expect.objectContaining({ path: KEY.path, ...m })));
  });

  it('checks directories too', () => {
    expect(verifyInjectedFiles([KEY], [good, { ...goodDir, mode: 0o700, uid: 1000 }], [DIR])).toEqual([
      { path: '/var/lib/b', field: 'mode', expected: '0755', actual: '0700' },
      { path: '/var/lib/b', field: 'uid', expected: '0', actual: '1000' },
    ]);
    expect(verifyInjectedFiles([], [missing('/var/lib/b')], [DIR])).toEqual([
      { path: '/var/lib/b', field: 'missing', expected: 'a dir', actual: 'nothing' },
    ]);
  });

  it('verifies an empty file', () => {
    const empty = { ...KEY, content: Buffer.alloc(0) };
    expect(verifyInjectedFiles([empty], [{ ...good, size: 0, sha256: sha('') }])).toEqual([]);
  });
});

describe('describeMismatches', () => {
  it('lists every mismatch on one line (it ends up in a one-line error), never contents', () => {
    const text = describeMismatches(verifyInjectedFiles([KEY], [{ ...good, mode: 0o644, sha256: sha('x') }]));
    expect(text).toBe(
      '/var/lib/b/key: sha256 is other content, expected the content written; /var/lib/b/key: mode is 0644, expected 0600',
    );
    expect(text).not.toContain('secret');
  });
});
