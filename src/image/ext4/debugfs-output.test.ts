import { describe, expect, it } from 'vitest';
import { buildScript, isOpenFailure, splitRequestStderr, splitScriptOutput } from './debugfs-output.js';

const NONCE = 'abc123';
const COMMANDS = [
  'mkdir "/var/lib/d"',
  'stat "/var/lib/f"',
  'stat "/var/lib/missing"',
  'sif "/var/lib/f" uid 0',
];

// Recorded from `debugfs -w -f - image < script` (1.47.0) with the script buildScript(COMMANDS, NONCE) makes; exit 5.
const STDOUT = `debugfs: companion-mark-abc123-0
debugfs: mkdir "/var/lib/d"
debugfs: companion-mark-abc123-1
debugfs: stat "/var/lib/f"
Inode: 15   Type: regular    Mode:  0755   Flags: 0x80000
Generation: 0    Version: 0x00000000:00000000
User: 70000   Group:  1234   Project:     0   Size: 3
EXTENTS:
(0):1175
debugfs: companion-mark-abc123-2
debugfs: stat "/var/lib/missing"
debugfs: companion-mark-abc123-3
debugfs: sif "/var/lib/f" uid 0
debugfs: companion-mark-abc123-4
`;
const STDERR = `debugfs 1.47.0 (5-Feb-2023)
debugfs: Command not found companion-mark-abc123-0
ext2fs_mkdir: Ext2 directory already exists while creating directory "d"
mkdir: Ext2 directory already exists 
debugfs: Command not found companion-mark-abc123-1
debugfs: Command not found companion-mark-abc123-2
/var/lib/missing: File not found by ext2_lookup 
debugfs: Command not found companion-mark-abc123-3
debugfs: Command not found companion-mark-abc123-4
`;
// The same script against an image whose superblock was zeroed.
const STDERR_BAD = `debugfs 1.47.0 (5-Feb-2023)
debugfs: Bad magic number in super-block while trying to open bad.img
debugfs: Command not found companion-mark-abc123-0
mkdir: Filesystem not open
debugfs: Command not found companion-mark-abc123-1
stat: Filesystem not open
debugfs: Command not found companion-mark-abc123-2
stat: Filesystem not open
debugfs: Command not found companion-mark-abc123-3
sif: Filesystem not open
debugfs: Command not found companion-mark-abc123-4
`;

describe('buildScript', () => {
  it('puts a marker before the first command and after each one', () => {
    expect(buildScript(['a', 'b'], 'n1')).toBe(
      'companion-mark-n1-0\na\ncompanion-mark-n1-1\nb\ncompanion-mark-n1-2\n',
    );
  });
});

describe('splitScriptOutput', () => {
  it('attributes each stderr line and stdout section to the command that printed it', () => {
    const output = splitScriptOutput(COMMANDS, NONCE, STDOUT, STDERR);
    expect(output.version).toEqual([1, 47, 0]);
    expect(output.openErrors).toEqual([]);
    expect(output.closeErrors).toEqual([]);
    expect(output.complete).toBe(true);
    expect(output.commands.map((c) => c.errors)).toEqual([
      [
        'ext2fs_mkdir: Ext2 directory already exists while creating directory "d"',
        'mkdir: Ext2 directory already exists',
      ],
      [],
      ['/var/lib/missing: File not found by ext2_lookup'],
      [],
    ]);
    expect(output.commands[1]?.stdout).toMatch(/^Inode: 15 {3}Type: regular[\s\S]*\(0\):1175$/);
    expect(output.commands.map((c) => c.command)).toEqual(COMMANDS);
    expect(output.commands[0]?.stdout).toBe('');
  });

  it('puts errors before the first marker down as "could not open"', () => {
    const output = splitScriptOutput(COMMANDS, NONCE, STDOUT, STDERR_BAD);
    expect(output.openErrors).toEqual([
      'debugfs: Bad magic number in super-block while trying to open bad.img',
    ]);
    expect(output.commands[1]?.errors).toEqual(['stat: Filesystem not open']);
  });

  it('is incomplete when debugfs stopped early, and keeps errors after the last marker apart', () => {
    const cut = STDERR.slice(0, STDERR.indexOf('debugfs: Command not found companion-mark-abc123-3'));
    expect(splitScriptOutput(COMMANDS, NONCE, STDOUT, cut).complete).toBe(false);
    const stdoutCut = STDOUT.slice(0, STDOUT.indexOf('debugfs: companion-mark-abc123-4'));
    expect(splitScriptOutput(COMMANDS, NONCE, stdoutCut, STDERR).complete).toBe(false);
    const closing = splitScriptOutput(COMMANDS, NONCE, STDOUT, `${STDERR}ext2fs_close2: Short write\n`);
    expect(closing.closeErrors).toEqual(['ext2fs_close2: Short write']);
  });

  it('ignores markers of another run and marker-like text inside command output', () => {
    const fake = STDOUT.replace(
      'EXTENTS:',
      'debugfs: companion-mark-zzz-2\nxdebugfs: companion-mark-abc123-2',
    );
    const output = splitScriptOutput(COMMANDS, NONCE, fake, STDERR);
    expect(output.commands[1]?.stdout).toContain('debugfs: companion-mark-zzz-2');
    expect(output.commands[1]?.stdout).toContain('(0):1175');
  });
});

describe('splitRequestStderr and isOpenFailure', () => {
  it('separates the banner from the errors of a -R request', () => {
    expect(
      splitRequestStderr('debugfs 1.47.0 (5-Feb-2023)\n/nothere: File not found by ext2_lookup \n'),
    ).toEqual({
      version: [1, 47, 0],
      errors: ['/nothere: File not found by ext2_lookup'],
    });
    expect(splitRequestStderr('debugfs 1.47.0 (5-Feb-2023)\n').errors).toEqual([]);
  });

  it('recognises a failed open in either of its two lines', () => {
    expect(isOpenFailure('debugfs: Bad magic number in super-block while trying to open bad.img')).toBe(true);
    expect(isOpenFailure('cat: Filesystem not open')).toBe(true);
    expect(isOpenFailure('/x: File not found by ext2_lookup')).toBe(false);
  });
});
