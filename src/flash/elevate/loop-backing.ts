import { constants } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { findSystemProgram, runTool } from '../../tools/index.js';
import { devnumOf } from '../device-number.js';
import { FlashError } from '../flash-errors.js';
import { asUser } from './as-user.js';
import type { InvokingUser } from './writer-guards.js';

// Never create, truncate, follow a final link or wait on a FIFO: this open only asks "may you write it?".
const WRITE_PROBE = constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The backing file's inode as the loop driver holds it (LOOP_GET_STATUS64), which no rename can change. */
async function backingInode(device: string): Promise<{ ino: number; dev: string } | null> {
  const losetup = await findSystemProgram('losetup').catch(() => null);
  if (!losetup) return null;
  const result = await runTool(losetup, ['--list', '--json', '-O', 'NAME,BACK-INO,BACK-MAJ:MIN', device]);
  try {
    const [entry] = (JSON.parse(result.stdout) as { loopdevices: Record<string, unknown>[] }).loopdevices;
    const ino = Number(entry?.['back-ino']);
    const dev = String(entry?.['back-maj:min'] ?? '').trim();
    return Number.isSafeInteger(ino) && /^\d+:\d+$/.test(dev) ? { ino, dev } : null;
  } catch {
    return null;
  }
}

const notBackedByFile = (device: string) =>
  new FlashError(
    'flash-device-refused',
    `${device} is a loop device that is not backed by a regular file; nothing was written.`,
    'Loop devices are only written when they stand for an image file.',
  );

/** A loop over a file the invoking user may not write: refused unless confirmed as an internal disk. */
export const loopOverOthersFile = (device: string) =>
  new FlashError(
    'flash-device-refused',
    `Refused to write ${device}: it is a loop device over a file your account may not write, so it counts as a built-in disk. Nothing was written.`,
    'Set the loop device up over an image file of your own, or confirm it as an internal disk.',
  );

/**
 * Whether the loop device is "a file posing as a disk" that the invoking user could overwrite anyway: backed by a
 * regular file that the user can open for writing (as themselves) and that is the very inode the loop driver holds.
 * A loop over someone else's file (a VM disk, a container image, a closed LUKS file root set up) is no such thing:
 * false, and the caller treats it as the built-in disk it stands for. Root itself asking may write any loop file.
 * A loop over a block device is refused outright: it would carry the loop exemption onto real hardware.
 */
export async function loopIsUsersFile(device: string, user: InvokingUser | null): Promise<boolean> {
  const name = device.replace(/^\/dev\//, '');
  const backing = (await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => '')).trim();
  if (!backing) throw notBackedByFile(device);
  // Looked at as the user: root's answer would tell them what lies in a folder they cannot open.
  const seen = await asUser(user, () => stat(backing)).catch(() => null);
  if (seen && !seen.isFile()) throw notBackedByFile(device);
  if (!seen) {
    if (!user) throw notBackedByFile(device);
    // Hidden from the user: a device node there is refused in the words a hidden file gets.
    if (!(await stat(backing).catch(() => null))?.isFile()) throw loopOverOthersFile(device);
    return false;
  }
  if (!user) return true;
  const opened = await asUser(user, async () => {
    const handle = await open(backing, WRITE_PROBE);
    try {
      return await handle.stat();
    } finally {
      await handle.close();
    }
  }).catch(() => null);
  const held = opened?.isFile() ? await backingInode(device) : null;
  return Boolean(opened && held && opened.ino === held.ino && devnumOf(opened.dev) === held.dev);
}
