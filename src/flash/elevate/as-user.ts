import type { InvokingUser } from './writer-guards.js';

/**
 * Runs `action` with the user's effective uid/gid (and only their primary group), then returns to root: whatever it
 * touches on the file system, it touches with the user's permissions, so root's power never answers a question (does
 * this file exist? may it be written?) on the user's behalf. Null (root itself asked) runs it as root.
 */
export async function asUser<T>(user: InvokingUser | null, action: () => Promise<T>): Promise<T> {
  if (!user || !process.seteuid || !process.setegid || !process.setgroups || !process.getgroups)
    return action();
  const groups = process.getgroups();
  process.setgroups([user.gid]);
  process.setegid(user.gid);
  process.seteuid(user.uid);
  try {
    return await action();
  } finally {
    process.seteuid(0);
    process.setegid(0);
    process.setgroups(groups);
  }
}
