import { constants, type Stats } from 'node:fs';
import { type FileHandle, mkdtemp, open, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTool } from '../../tools/run-tool.js';
import { FlashError } from '../flash-errors.js';
import { systemProgram } from '../write/device-size.js';
import type { InvokingUser } from './writer-guards.js';

/** The source as the writer should read it, pinned so the file checked is the file written. */
export interface CheckedSource {
  /** Give this to writeImageToDevice. */
  path: string;
  /** The descriptor the invoking user opened and the checks ran on; the image is read through it. */
  fd: number;
  realPath: string;
  /** How the file was pinned, for the task log. */
  pinned: string;
  close(): Promise<void>;
}

// O_NONBLOCK: a path swapped for a FIFO must fail the checks below, not hang a root process in open().
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const refuseSource = (source: string, why: string) =>
  new FlashError(
    'flash-source-refused',
    `The image ${source} ${why}; nothing was written.`,
    'Choose an image file (.img, .img.zst, .img.xz, .img.gz) that your own account can read.',
  );

/**
 * Opens the image the way the invoking user could: effective ids switched to theirs for the open() only, so root's
 * power never lends a user a file they could not read (/etc/shadow onto a card they then read back). Devices, FIFOs
 * and folders are refused: only a regular file makes sense, and a FIFO could stall a root process.
 *
 * The image is then read through that descriptor (`fd`: the decompressor's stdin, or positional reads of a raw
 * image), never by path. The path is still used to sniff the format and size, so it is pinned as well: on Linux the
 * descriptor is bind-mounted onto a file in a root-only folder, which names the checked inode whatever happens to
 * the original path. Where the bind mount is not
 * possible (macOS, no mount rights), root reopens the path and checks it reached the same inode (`reopenChecked`).
 */
export async function openSourceAsUser(
  source: string,
  user: InvokingUser | null,
  platform: NodeJS.Platform = process.platform,
): Promise<CheckedSource> {
  let realPath: string;
  let info: Stats;
  try {
    realPath = await realpath(source);
    info = await stat(realPath);
  } catch {
    throw refuseSource(source, 'does not exist or cannot be reached');
  }
  if (!info.isFile()) throw refuseSource(source, 'is not a regular file');
  const handle = await asUser(user, () => open(realPath, READ_FLAGS)).catch(() => {
    throw refuseSource(source, 'is not readable by your account');
  });
  const opened = await handle.stat();
  if (!opened.isFile() || opened.ino !== info.ino || opened.dev !== info.dev) {
    await handle.close();
    throw refuseSource(source, 'changed while it was being checked');
  }
  const pin = platform === 'linux' ? await bindMountPin(handle).catch(() => null) : null;
  if (pin) {
    return {
      path: pin.path,
      fd: handle.fd,
      realPath,
      pinned: 'bind-mounted',
      close: async () => {
        await pin.release();
        await handle.close();
      },
    };
  }
  const rooted = await reopenChecked(realPath, opened, source).catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  return {
    path: realPath,
    fd: handle.fd,
    realPath,
    pinned: 're-checked',
    close: async () => {
      await Promise.allSettled([rooted.close(), handle.close()]);
    },
  };
}

/**
 * Where the file cannot be pinned, root opens the path itself (never through a link at its end, never waiting on a
 * FIFO) and proves that descriptor reached the inode the user's descriptor holds (`checked`, its fstat). Holding it
 * keeps the inode alive, so its number cannot be reused for another file while the write runs. The image bytes
 * themselves are read through the user's descriptor (`fd`), so a path swapped after this check is never read.
 */
export async function reopenChecked(
  realPath: string,
  checked: Stats,
  source = realPath,
): Promise<FileHandle> {
  const handle = await open(realPath, READ_FLAGS).catch(() => null);
  const info = await handle?.stat().catch(() => null);
  if (handle && info?.isFile() && info.dev === checked.dev && info.ino === checked.ino) return handle;
  await handle?.close();
  throw refuseSource(source, 'changed while it was being checked');
}

/** Runs `action` with the user's effective uid/gid (and only their primary group), then returns to root. */
async function asUser(user: InvokingUser | null, action: () => Promise<FileHandle>): Promise<FileHandle> {
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

/**
 * Removes pins left by writers that were killed before they could release them: such a bind mount would keep the
 * image (and the disk it lives on, a USB stick say) busy until the next reboot.
 */
export async function sweepStalePins(base: string): Promise<string[]> {
  const swept: string[] = [];
  const entries = await readdir(base).catch(() => [] as string[]);
  for (const name of entries) {
    const pid = Number(/^companion-writer-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(base, name);
    const umount = await systemProgram('umount');
    await runTool(umount, [path.join(dir, 'image')]).catch(() => null);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    swept.push(dir);
  }
  return swept;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bind-mounts the open file onto a root-only path; --no-canonicalize so mount(8) never re-resolves the link text. */
async function bindMountPin(handle: FileHandle): Promise<{ path: string; release: () => Promise<void> }> {
  const base = process.getuid?.() === 0 && (await stat('/run').catch(() => null)) ? '/run' : tmpdir();
  await sweepStalePins(base);
  // The pid in the name lets a later writer tell a pin whose writer was killed (SIGKILL skips `release`).
  const dir = await mkdtemp(path.join(base, `companion-writer-${process.pid}-`));
  const target = path.join(dir, 'image');
  try {
    await writeFile(target, '', { mode: 0o400 });
    const [mount, umount] = await Promise.all([systemProgram('mount'), systemProgram('umount')]);
    const proc = `/proc/${process.pid}/fd/${handle.fd}`;
    const result = await runTool(mount, ['--no-canonicalize', '--bind', proc, target]);
    if (result.code !== 0) throw new Error(result.stderr);
    return {
      path: target,
      release: async () => {
        await runTool(umount, [target]).catch(() => null);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
