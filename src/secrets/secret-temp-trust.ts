import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { CompanionError } from '../errors.js';

/** Whose files a wipe may touch: a root sweep must never act on what another user planted or can change. */
export const EUID = process.geteuid?.() ?? 0; // Windows (not a target) has no uids; its stat says 0 too

/** A journal, or a leftover it lists, that is not this user's alone: left exactly as it is. */
export class UntrustedSecretTempError extends CompanionError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(
      'secret-temp-untrusted',
      `Left ${path} alone: ${reason}.`,
      'Nothing was changed there. If it is a leftover of yours that may hold a host key or Wi-Fi password, delete it yourself.',
    );
  }
}

const octal = (info: Stats) => `0${(info.mode & 0o7777).toString(8)}`;

/** Why `info` is not ours alone to trust (owned by us, writable by nobody else), or null. */
export function notOursAlone(info: Stats): string | null {
  if (info.uid !== EUID) return `owned by uid ${info.uid}, not ${EUID}`;
  if (info.mode & 0o022) return `writable by others (mode ${octal(info)})`;
  return null;
}

/** Why `info` (from lstat) is not a folder only we can enter, as the app makes them (0700), or null. */
export function notPrivateDir(info: Stats): string | null {
  if (!info.isDirectory()) return 'not a directory';
  if (info.uid !== EUID) return `owned by uid ${info.uid}, not ${EUID}`;
  if (info.mode & 0o077) return `mode ${octal(info)}, not 0700`;
  return null;
}

/**
 * Why another user might rename `dir` out of its parent and put something else in its place, or null: the parent
 * must be ours or root's and writable by nobody else, or sticky (like /tmp), where only the owner renames an entry.
 */
export function parentUnsafe(dir: string): string | null {
  const parent = path.dirname(dir);
  const info = statSync(parent); // followed: on macOS /tmp is a root-owned link to /private/tmp
  if (info.uid !== EUID && info.uid !== 0) return `its folder ${parent} is owned by uid ${info.uid}`;
  if (info.mode & 0o022 && !(info.mode & 0o1000)) {
    return `its folder ${parent} is writable by others (mode ${octal(info)}) and not sticky`;
  }
  return null;
}
