import type { EntryType, InodeInfo } from './ext4-types.js';

const TYPES: Record<string, EntryType> = { regular: 'file', directory: 'dir', symlink: 'symlink' };

/** `%5d` prints uids above 2^31 as negative numbers; ext4 stores them unsigned. */
function unsigned(text: string): number {
  const value = Number(text);
  return value < 0 ? value + 2 ** 32 : value;
}

/**
 * Parses the header of debugfs `stat` output, stable since 1.43:
 *   `Inode: 15   Type: regular    Mode:  0600   Flags: 0x80000`
 *   `User:     0   Group:     0   Project:     0   Size: 7`   (no `Project:` with 128-byte inodes)
 * Returns null when the text is not a stat header.
 */
export function parseStatOutput(text: string): InodeInfo | null {
  const head = /Type:\s+(.+?)\s+Mode:\s+([0-7]+)\s/.exec(text);
  const owner = /User:\s+(-?\d+)\s+Group:\s+(-?\d+)(?:\s+Project:\s+-?\d+)?\s+Size:\s+(\d+)/.exec(text);
  if (!head || !owner) return null;
  return {
    type: TYPES[head[1] ?? ''] ?? 'other',
    mode: parseInt(head[2] ?? '', 8) & 0o7777,
    uid: unsigned(owner[1] ?? ''),
    gid: unsigned(owner[2] ?? ''),
    size: Number(owner[3]),
  };
}

/**
 * True when debugfs's error means "nothing at that path": the name is missing, or a component on the way is not a
 * directory (`/etc/hostname/x`). Any other error is a real failure.
 */
export function isMissingPathError(line: string): boolean {
  return /File not found by ext2_lookup|Ext2 inode is not a directory/.test(line);
}
