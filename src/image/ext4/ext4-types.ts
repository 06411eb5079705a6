/** Where an ext4 file system lives: an image file and the byte offset of the partition inside it (0 for a bare one). */
export interface Ext4Target {
  image: string;
  offset: number;
}

/** One file to place in the image. */
export interface InjectFile {
  /** Absolute, normalized path inside the image, e.g. `/var/lib/bootstrap/ssh_host_ed25519_key`. */
  path: string;
  content: Uint8Array;
  /** Permission bits only, e.g. 0o600. */
  mode: number;
  uid: number;
  gid: number;
}

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/** What debugfs `stat` tells about an inode. */
export interface InodeInfo {
  type: EntryType;
  /** Permission bits (`& 0o7777`; debugfs before 1.44 prints only `& 0o777`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
}

/**
 * A path as found in the image. When `exists` is false the other fields are zero/`'other'`/null. `sha256` (hex) is
 * set for regular files only.
 */
export interface ReadBackFile extends InodeInfo {
  path: string;
  exists: boolean;
  sha256: string | null;
}

/** A directory the injection creates, as it must read back. */
export interface ExpectedDir {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}
