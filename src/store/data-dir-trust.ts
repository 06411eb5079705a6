import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CompanionError } from '../errors.js';

/** The data folder lies where another user could swap or plant files: settings and secret journals stay out. */
export class DataDirUntrustedError extends CompanionError {
  constructor(dataDir: string, where: string, why: string) {
    super(
      'data-folder-untrusted',
      `The app data folder ${dataDir} is not safe to use: ${where} ${why}. Nothing was written there.`,
      process.geteuid?.() === 0
        ? 'Run the app and `companion` as your own user; if you must run as root, use `sudo -H` or point COMPANION_HOME at a folder root owns.'
        : 'Point COMPANION_HOME (or --data-dir) at a folder inside your home that only you can change.',
    );
  }
}

/**
 * One folder on the way: owned by us or root, and changeable by no one else (sticky folders like /tmp excepted). A
 * folder writable by our own primary group passes: with umask 002 and a private group per user, that is only us.
 */
function verdictOn(info: { uid: number; gid: number; mode: number }, euid: number): string | null {
  if (info.uid !== euid && info.uid !== 0) return `belongs to user ${info.uid}`;
  const groupIsOurs = info.gid === process.getegid?.() || info.gid === 0;
  const othersMayWrite = (info.mode & 0o002) !== 0 || ((info.mode & 0o020) !== 0 && !groupIsOurs);
  const sticky = (info.mode & 0o1000) !== 0;
  return othersMayWrite && !sticky ? 'can be changed by other users' : null;
}

/**
 * Refuses a data folder that anyone but this user (and root) could change, or whose path goes through such a folder
 * or link: the app writes its settings, pins and secret-temp journal there, and a start-up sweep zeroes what the
 * journal names. Matters most as root (`sudo` keeping HOME or COMPANION_HOME), where a planted link would turn a
 * write into one on any file.
 */
export async function assertTrustedDataDir(dataDir: string): Promise<void> {
  const euid = process.geteuid?.();
  if (euid === undefined) return; // Windows: no owners to compare
  // Checked before the folder is made too: the part that does not exist yet is made by us, below what was checked.
  let existing = path.resolve(dataDir);
  while (!(await lstat(existing).catch(() => null))) existing = path.dirname(existing);
  const real = await realpath(existing);
  for (const start of new Set([existing, real])) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const info = await lstat(dir);
      // A link's own mode means nothing; its owner and the folder holding it are what count.
      const why = info.isSymbolicLink()
        ? verdictOn({ uid: info.uid, gid: info.gid, mode: 0 }, euid)
        : verdictOn(info, euid);
      if (why) throw new DataDirUntrustedError(dataDir, dir, why);
      if (dir === path.dirname(dir)) break;
    }
  }
}
