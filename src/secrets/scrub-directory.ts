import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { EUID, UntrustedSecretTempError, notPrivateDir, parentUnsafe } from './secret-temp-trust.js';
import { OPEN_TO_ZERO, zeroDescriptorSync } from './zero-file.js';

const OPEN_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FD_PATHS = existsSync('/proc/self/fd') ? '/proc/self/fd' : null;

export interface ScrubOptions {
  /** Runs once a folder is listed, before anything in it is wiped: lets tests swap things in at the worst moment. */
  afterListing?: (dir: string) => void;
}

/**
 * Zeroes and unlinks every regular file under `dir`, then removes the tree; synchronous so it also runs on exit.
 * Only a folder that is ours alone (0700), in a folder nobody else can rename it out of; anything else, and
 * anything inside that is not ours, throws UntrustedSecretTempError and is left as it is.
 */
export function scrubDirectory(dir: string, options: ScrubOptions = {}): void {
  const info = lstatSync(dir);
  const problem = notPrivateDir(info) ?? parentUnsafe(dir);
  if (problem) throw new UntrustedSecretTempError(dir, problem);
  scrubCheckedDir(dir, dir, info, options);
  rmdirSync(dir);
}

/** Wipes what is in the folder at `at` (shown to the user as `shown`), which lstat gave as `checked`. */
function scrubCheckedDir(at: string, shown: string, checked: Stats, options: ScrubOptions): void {
  const fd = openSync(at, OPEN_DIR);
  try {
    const opened = fstatSync(fd);
    if (opened.dev !== checked.dev || opened.ino !== checked.ino) {
      throw new UntrustedSecretTempError(shown, 'it was replaced while it was being checked');
    }
    // Node has no openat. On Linux /proc/self/fd/N names the very folder opened and checked above, whatever happens
    // to its path since. Elsewhere the path is used: safe once the checks hold, since the folder is ours and 0700
    // (nobody else can change what is in it) and its parent lets nobody else rename it and put a link in its place.
    const base = FD_PATHS ? `${FD_PATHS}/${fd}` : at;
    const names = readdirSync(base);
    options.afterListing?.(shown);
    let firstError: unknown = null;
    for (const name of names) {
      try {
        scrubEntry(path.join(base, name), path.join(shown, name), opened.dev, options);
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError) throw firstError;
  } finally {
    closeSync(fd);
  }
}

function scrubEntry(at: string, shown: string, dev: number, options: ScrubOptions): void {
  const info = lstatSync(at);
  if (info.isDirectory()) {
    const problem = info.dev === dev ? notPrivateDir(info) : 'on another file system';
    if (problem) throw new UntrustedSecretTempError(shown, problem);
    scrubCheckedDir(at, shown, info, options);
    rmdirSync(at);
    return;
  }
  // Anything else (a symlink, a FIFO) holds no secret: only its name goes, never what it points to.
  if (info.isFile()) zeroOwnFile(at, shown, dev);
  unlinkSync(at);
}

function zeroOwnFile(at: string, shown: string, dev: number): void {
  const fd = openSync(at, OPEN_TO_ZERO);
  try {
    const info = fstatSync(fd);
    let problem: string | null = null;
    if (!info.isFile()) problem = 'not a regular file';
    else if (info.uid !== EUID) problem = `owned by uid ${info.uid}, not ${EUID}`;
    else if (info.dev !== dev) problem = 'on another file system';
    if (problem) throw new UntrustedSecretTempError(shown, problem);
    zeroDescriptorSync(fd, info.size);
  } finally {
    closeSync(fd);
  }
}
