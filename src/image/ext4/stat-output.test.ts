import { describe, expect, it } from 'vitest';
import { isMissingPathError, parseStatOutput } from './stat-output.js';

// Recorded from debugfs 1.47.0 (`debugfs -R 'stat …'`) on an image made with `mkfs.ext4 -d` (256-byte inodes).
const FILE_147 = `Inode: 15   Type: regular    Mode:  0755   Flags: 0x80000
Generation: 0    Version: 0x00000000:00000000
User: 70000   Group:  1234   Project:     0   Size: 3
File ACL: 0
Links: 1   Blockcount: 2
Fragment:  Address: 0    Number: 0    Size: 0
 ctime: 0x6b040cac:00000000 -- Mon Nov 23 09:51:40 2026
 atime: 0x6b040cac:00000000 -- Mon Nov 23 09:51:40 2026
 mtime: 0x6b040cac:00000000 -- Mon Nov 23 09:51:40 2026
crtime: 0x6b040cac:00000000 -- Mon Nov 23 09:51:40 2026
Size of extra inode fields: 32
Inode checksum: 0x13c69d52
EXTENTS:
(0):1175
`;

const DIR_147 = `Inode: 14   Type: directory    Mode:  0755   Flags: 0x80000
Generation: 0    Version: 0x00000000:00000000
User:     0   Group:     0   Project:     0   Size: 1024
File ACL: 0
Links: 2   Blockcount: 2
Fragment:  Address: 0    Number: 0    Size: 0
Size of extra inode fields: 32
EXTENTS:
(0):1174
`;

const SYMLINK_147 = `Inode: 17   Type: symlink    Mode:  0777   Flags: 0x0
Generation: 0    Version: 0x00000000:00000000
User:     0   Group:     0   Project:     0   Size: 10
File ACL: 0
Links: 1   Blockcount: 0
Fragment:  Address: 0    Number: 0    Size: 0
Size of extra inode fields: 32
Inode checksum: 0xca8c825d
Fast link dest: "/var/lib/f"
`;

const FIFO_147 = `Inode: 16   Type: FIFO    Mode:  0644   Flags: 0x0
Generation: 0    Version: 0x00000000:00000000
User:     0   Group:     0   Project:     0   Size: 0
File ACL: 0
Links: 1   Blockcount: 0
BLOCKS:

`;

// 1.47.0 on a file system with 128-byte inodes (`mkfs.ext4 -I 128`): no Project field, short Version.
const FILE_SMALL_INODE = `Inode: 15   Type: regular    Mode:  0755   Flags: 0x80000
Generation: 0    Version: 0x00000000
User: 70000   Group:  1234   Size: 3
File ACL: 0
`;

// The format of 1.43 (from its source): `Mode:  %04o` of `mode & 0777`, `Directory ACL` on the ACL line.
const FILE_143 = `Inode: 12   Type: regular    Mode:  0600   Flags: 0x80000
Generation: 0    Version: 0x00000000:00000000
User:     0   Group:     0   Project:     0   Size: 411
File ACL: 0    Directory ACL: 0
`;

describe('parseStatOutput', () => {
  it.each([
    ['a regular file', FILE_147, { type: 'file', mode: 0o755, uid: 70000, gid: 1234, size: 3 }],
    ['a directory', DIR_147, { type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 1024 }],
    ['a symlink', SYMLINK_147, { type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 10 }],
    ['a FIFO', FIFO_147, { type: 'other', mode: 0o644, uid: 0, gid: 0, size: 0 }],
    ['128-byte inodes', FILE_SMALL_INODE, { type: 'file', mode: 0o755, uid: 70000, gid: 1234, size: 3 }],
    ['1.43 output', FILE_143, { type: 'file', mode: 0o600, uid: 0, gid: 0, size: 411 }],
  ])('reads %s', (_name, text, expected) => {
    expect(parseStatOutput(text)).toEqual(expected);
  });

  it('reads setuid bits and uids that %5d prints as negative', () => {
    const text = FILE_147.replace('Mode:  0755', 'Mode:  04755').replace(
      'User: 70000   Group:  1234',
      'User: -2   Group: -65536',
    );
    expect(parseStatOutput(text)).toMatchObject({ mode: 0o4755, uid: 4294967294, gid: 4294901760 });
  });

  it('returns null for anything that is not a stat header', () => {
    expect(parseStatOutput('')).toBeNull();
    expect(parseStatOutput('Inode: 15   Type: regular')).toBeNull();
  });
});

describe('isMissingPathError', () => {
  it('knows the "nothing there" errors and nothing else', () => {
    // Recorded: stat of a missing name, and of a path through a regular file.
    expect(isMissingPathError('/var/lib/missing: File not found by ext2_lookup ')).toBe(true);
    expect(isMissingPathError('/var/lib/f/x: Ext2 inode is not a directory ')).toBe(true);
    expect(isMissingPathError('stat: Filesystem not open')).toBe(false);
    expect(isMissingPathError('stat: Inode checksum does not match inode while reading inode 15')).toBe(
      false,
    );
  });
});
