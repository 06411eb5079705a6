import { FlashError } from '../flash-errors.js';
import type { InvokingUser } from './writer-guards.js';

/** The ids are process-wide: a second switch while one is active would run one action as the wrong account. */
let switched = false;

/**
 * Runs `action` with the user's effective uid/gid (and only their primary group), then returns to root: whatever it
 * touches on the file system, it touches with the user's permissions, so root's power never answers a question (does
 * this file exist? may it be written?) on the user's behalf. Null (root itself asked) runs it as root. Not
 * re-entrant: a call while another is active (nested or concurrent) is refused.
 */
export async function asUser<T>(user: InvokingUser | null, action: () => Promise<T>): Promise<T> {
  if (switched) {
    throw new FlashError(
      'flash-as-user-reentered',
      'The flash writer tried to act as two users at once, so it stopped; nothing was written.',
      'This is a bug in the app: please report it with the task log.',
    );
  }
  if (!user || !process.seteuid || !process.setegid || !process.setgroups || !process.getgroups)
    return action();
  const { seteuid, setegid, setgroups } = process;
  const undo: (() => void)[] = [];
  switched = true;
  try {
    const groups = process.getgroups();
    setgroups([user.gid]);
    undo.unshift(() => setgroups(groups));
    const egid = process.getegid?.() ?? 0;
    setegid(user.gid);
    undo.unshift(() => setegid(egid));
    const euid = process.geteuid?.() ?? 0;
    seteuid(user.uid);
    undo.unshift(() => seteuid(euid));
    return await action();
  } finally {
    // Back in reverse order: root's euid first, which setegid and setgroups need.
    for (const step of undo) step();
    switched = false;
  }
}
