import { describe, expect, it } from 'vitest';
import { matchVersion } from './doctor.js';
import {
  TOOL_CATALOG,
  compareVersions,
  toolEntry,
  toolEntryForProgram,
  toolsForPlatform,
  type ToolId,
} from './tool-catalog.js';

// Output recorded on Debian 12 (stdout and stderr together, as the doctor reads them), plus other platforms' forms.
const RECORDED: [ToolId, string, string | null][] = [
  ['debugfs', 'debugfs 1.47.0 (5-Feb-2023)\n\tUsing EXT2FS Library version 1.47.0\n', '1.47.0'],
  ['mkfs.ext4', 'mke2fs 1.47.0 (5-Feb-2023)\n\tUsing EXT2FS Library version 1.47.0\n', '1.47.0'],
  ['e2fsck', 'e2fsck 1.47.0 (5-Feb-2023)\n\tUsing EXT2FS Library version 1.47.0, 5-Feb-2023\n', '1.47.0'],
  ['e2fsck', 'e2fsck 1.42.9 (28-Dec-2013)\n', '1.42.9'],
  ['zstd', '*** Zstandard CLI (64-bit) v1.5.4, by Yann Collet ***\n', '1.5.4'],
  ['xz', 'xz (XZ Utils) 5.4.1\nliblzma 5.4.1\n', '5.4.1'],
  ['gzip', 'gzip 1.12\nCopyright (C) 2018 Free Software Foundation, Inc.\n', '1.12'],
  ['gzip', 'Apple gzip 448.0.3\n', '448.0.3'],
  ['borg', 'borg 1.2.4\n', '1.2.4'],
  ['borg', 'borg 1.1.18\n', '1.1.18'],
  ['ssh', 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\n', '9.2p1'],
  ['ssh', 'OpenSSH_9.8p1, LibreSSL 3.3.6\n', '9.8p1'],
  ['apksigner', '0.9\n', '0.9'],
  ['age', '1.1.1\n', '1.1.1'],
  ['age', 'v1.2.0\n', '1.2.0'],
  ['nix', 'nix (Nix) 2.18.1\n', '2.18.1'],
  ['lsblk', 'lsblk from util-linux 2.38.1\n', '2.38.1'],
  ['sfdisk', 'sfdisk from util-linux 2.38.1\n', '2.38.1'],
  [
    'udisksctl',
    '/org/freedesktop/UDisks2/Manager:\n  org.freedesktop.UDisks2.Manager:\n    DefaultEncryptionType:      luks1\n    Version:                    2.9.4\n',
    '2.9.4',
  ],
  // A block device's IdVersion must not be taken for the daemon's version.
  ['udisksctl', '/org/freedesktop/UDisks2/block_devices/sda1:\n    IdVersion:                  1.0\n', null],
  [
    'udisksctl',
    'Error connecting to the udisks daemon: Could not connect: No such file or directory\n',
    null,
  ],
  ['borg', 'Traceback (most recent call last):\n  File "/usr/bin/borg", line 33\n', null],
  ['apksigner', 'Error: Unable to access jarfile /usr/share/java/apksigner.jar\n', null],
];

describe('version patterns', () => {
  it.each(RECORDED)('%s reads %j as %s', (id, output, expected) => {
    const probe = toolEntry(id).version;
    if (probe.kind !== 'output') throw new Error(`${id} has no output probe`);
    expect(matchVersion(probe.pattern, output)).toBe(expected);
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.47.0', '1.43', 1],
    ['1.42.9', '1.43', -1],
    ['1.43', '1.43.0', 0],
    ['1.10', '1.9', 1],
    ['34.0.0', '9.0.0', 1],
    ['9.2p1', '9.2', 1],
    ['1.2.4', '1.2', 1],
    ['1.1.18', '1.2', -1],
  ] as const)('%s vs %s is %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('the catalog', () => {
  it('has unique ids and complete rows', () => {
    expect(new Set(TOOL_CATALOG.map((t) => t.id)).size).toBe(TOOL_CATALOG.length);
    for (const entry of TOOL_CATALOG) {
      if (entry.kind === 'tool') {
        expect(entry.purpose, entry.id).toMatch(/^[A-Z].*\.$/);
        expect(entry.requiredFor.length, entry.id).toBeGreaterThan(0);
      } else expect(entry.neededTo, entry.id).toMatch(/^[a-z].*[^.]$/);
      expect(Object.keys(entry.packages).length > 0 || entry.manualInstall !== undefined, entry.id).toBe(
        true,
      );
    }
  });

  it('does not list sops: the app decrypts SOPS files itself', () => {
    expect(TOOL_CATALOG.map((t) => t.program)).not.toContain('sops');
  });

  it('enforces the e2fsprogs and borg minimums', () => {
    for (const id of ['debugfs', 'mkfs.ext4', 'e2fsck'] as const) {
      expect(toolEntry(id).minimum?.version).toBe('1.43');
      expect(toolEntry(id).recommended?.version).toBe('1.47');
    }
    expect(toolEntry('borg').minimum?.version).toBe('1.2');
  });

  it('keeps Linux-only and macOS-only tools to their platform', () => {
    const linux = toolsForPlatform('linux').map((t) => t.id);
    const darwin = toolsForPlatform('darwin').map((t) => t.id);
    expect(linux).toEqual(expect.arrayContaining(['lsblk', 'udisksctl', 'sfdisk', 'debugfs']));
    expect(linux).not.toContain('diskutil');
    expect(darwin).toContain('diskutil');
    expect(darwin).not.toContain('lsblk');
    expect(darwin).not.toContain('udisksctl');
    expect(toolsForPlatform('win32')).toEqual([]);
  });

  it('maps a program file name back to its entry, a system program too', () => {
    expect(toolEntryForProgram('mkfs.ext4')?.id).toBe('mkfs.ext4');
    expect(toolEntryForProgram('blockdev')).toMatchObject({
      kind: 'system',
      packages: { apt: 'util-linux' },
    });
    expect(toolEntryForProgram('sops')).toBeUndefined();
    expect(() => toolEntry('nope' as ToolId)).toThrow(/nope/);
  });
});
