import { describe, expect, it } from 'vitest';
import type { InjectFile, InodeInfo } from './ext4-types.js';
import { expectedNewDirs, injectionCommands, pathsToLookUp, planInjection } from './inject-plan.js';

const file = (path: string, mode = 0o600, uid = 0, gid = 0): InjectFile => ({
  path,
  content: Buffer.from('x'),
  mode,
  uid,
  gid,
});
const dir: InodeInfo = { type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 1024 };
const regular: InodeInfo = { type: 'file', mode: 0o644, uid: 0, gid: 0, size: 3 };
const symlink: InodeInfo = { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 10 };

const FILES = [
  file('/var/lib/bootstrap/ssh_host_ed25519_key'),
  file('/var/lib/bootstrap/ssh_host_ed25519_key.pub', 0o644),
  file('/var/lib/networkmanager/system-connections.env', 0o600, 70000, 100),
];

function state(entries: Record<string, InodeInfo | null>): Map<string, InodeInfo | null> {
  return new Map(pathsToLookUp(FILES).map((path) => [path, entries[path] ?? null]));
}

describe('pathsToLookUp', () => {
  it('lists every parent once and every target, shallowest first', () => {
    expect(pathsToLookUp(FILES)).toEqual([
      '/var',
      '/var/lib',
      '/var/lib/bootstrap',
      '/var/lib/networkmanager',
      '/var/lib/bootstrap/ssh_host_ed25519_key',
      '/var/lib/bootstrap/ssh_host_ed25519_key.pub',
      '/var/lib/networkmanager/system-connections.env',
    ]);
  });
});

describe('planInjection', () => {
  it('creates every missing directory, outermost first, in a root without /var', () => {
    const plan = planInjection(FILES, state({}));
    expect(plan).toEqual({
      createDirs: ['/var', '/var/lib', '/var/lib/bootstrap', '/var/lib/networkmanager'],
      replaceFiles: [],
    });
    expect(expectedNewDirs(plan)[0]).toEqual({ path: '/var', mode: 0o755, uid: 0, gid: 0 });
  });

  it('replaces an existing regular file and leaves existing directories alone', () => {
    const plan = planInjection(
      FILES,
      state({
        '/var': dir,
        '/var/lib': dir,
        '/var/lib/bootstrap': dir,
        '/var/lib/bootstrap/ssh_host_ed25519_key': regular,
      }),
    );
    expect(plan).toEqual({
      createDirs: ['/var/lib/networkmanager'],
      replaceFiles: ['/var/lib/bootstrap/ssh_host_ed25519_key'],
    });
  });

  it.each([
    [
      'a directory at a file path',
      {
        '/var': dir,
        '/var/lib': dir,
        '/var/lib/bootstrap': dir,
        '/var/lib/bootstrap/ssh_host_ed25519_key': dir,
      },
      /ssh_host_ed25519_key in the image is a directory, not a regular file/,
    ],
    [
      'a symlink at a file path',
      {
        '/var': dir,
        '/var/lib': dir,
        '/var/lib/bootstrap': dir,
        '/var/lib/bootstrap/ssh_host_ed25519_key.pub': symlink,
      },
      /is a symlink, not a regular file/,
    ],
    ['a symlink as a parent', { '/var': symlink }, /^\/var in the image is a symlink, not a directory/],
    [
      'a file as a parent',
      { '/var': dir, '/var/lib': regular },
      /^\/var\/lib in the image is a file, not a directory/,
    ],
  ])('refuses %s', (_name, entries, message) => {
    expect(() => planInjection(FILES, state(entries))).toThrow(message);
    expect(() => planInjection(FILES, state(entries))).toThrow(
      expect.objectContaining({ code: 'ext4-wrong-type' }),
    );
  });
});

describe('injectionCommands', () => {
  const plan = {
    createDirs: ['/var/lib/bootstrap'],
    replaceFiles: ['/var/lib/bootstrap/ssh_host_ed25519_key'],
  };
  const files = [file('/var/lib/bootstrap/ssh_host_ed25519_key', 0o600, 70000, 100)];

  it('makes directories and removes old files first, then writes with full paths and sets mode and owner', () => {
    expect(injectionCommands(plan, files, ['/tmp/s/file-0'], 'full-path')).toEqual({
      prepare: [
        'mkdir "/var/lib/bootstrap"',
        'sif "/var/lib/bootstrap" mode 040755',
        'sif "/var/lib/bootstrap" uid 0',
        'sif "/var/lib/bootstrap" gid 0',
        'rm "/var/lib/bootstrap/ssh_host_ed25519_key"',
      ],
      write: [
        'write "/tmp/s/file-0" "/var/lib/bootstrap/ssh_host_ed25519_key"',
        'sif "/var/lib/bootstrap/ssh_host_ed25519_key" mode 0100600',
        'sif "/var/lib/bootstrap/ssh_host_ed25519_key" uid 70000',
        'sif "/var/lib/bootstrap/ssh_host_ed25519_key" gid 100',
      ],
    });
  });

  it('for debugfs before 1.46.2, changes into the parent and writes a bare name', () => {
    expect(injectionCommands(plan, files, ['/tmp/s/file-0'], 'cd').write.slice(0, 3)).toEqual([
      'cd "/var/lib/bootstrap"',
      'write "/tmp/s/file-0" ssh_host_ed25519_key',
      'cd "/"',
    ]);
  });

  it('quotes paths with spaces', () => {
    const spaced = [file('/var/lib/my dir/a file')];
    const { write } = injectionCommands(
      { createDirs: [], replaceFiles: [] },
      spaced,
      ['/tmp/x y/file-0'],
      'cd',
    );
    expect(write.slice(0, 2)).toEqual(['cd "/var/lib/my dir"', 'write "/tmp/x y/file-0" "a file"']);
  });
});
