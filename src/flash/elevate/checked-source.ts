import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, mkdtemp, open, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findSystemProgram, runTool } from '../../tools/index.js';
import { FlashError } from '../flash-errors.js';
import { asUser } from './as-user.js';
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
  // Resolved and opened as the user, in one go: root looking first would tell the user what exists (and of which
  // type) in folders they cannot open. So every failure up to the open says the same thing.
  const found = await asUser(user, async () => {
    const realPath = await realpath(source);
    return { realPath, handle: await open(realPath, READ_FLAGS) };
  }).catch(() => {
    throw refuseSource(source, 'does not exist or is not readable by your account');
  });
  const { realPath, handle } = found;
  const opened = await handle.stat();
  if (!opened.isFile()) {
    await handle.close();
    throw refuseSource(source, 'is not a regular file');
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

/**
 * Removes pins left by writers that were killed before they could release them: such a bind mount would keep the
 * image (and the disk it lives on, a USB stick say) busy until the next reboot. Root umounts and deletes here, so only
 * what root itself made counts: a real folder (no link) owned by root and closed to others, as mkdtemp makes it.
 */
export async function sweepStalePins(base: string): Promise<string[]> {
  const swept: string[] = [];
  const entries = await readdir(base).catch(() => [] as string[]);
  for (const name of entries) {
    const pid = Number(/^companion-writer-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(base, name);
    const info = await lstat(dir).catch(() => null);
    if (!info?.isDirectory() || info.uid !== (process.geteuid?.() ?? 0) || (info.mode & 0o077) !== 0)
      continue;
    const umount = await findSystemProgram('umount');
    await runTool(umount, [path.join(dir, 'image')]).catch(() => null);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    swept.push(dir);
  }
  return swept;
}

/**
 * Where pins go: /run, root's own. Never a shared temp folder: root sweeps the pin folder, and others can put
 * companion-writer-<dead pid>-… entries into /tmp. Null (no pin; the path is re-checked instead) otherwise.
 */
export async function pinFolder(run = '/run'): Promise<string | null> {
  if (process.geteuid?.() !== 0) return null;
  const info = await lstat(run).catch(() => null);
  return info?.isDirectory() && info.uid === 0 && (info.mode & 0o022) === 0 ? run : null;
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
  const base = await pinFolder();
  if (!base) throw new Error('no root-only folder for the pin');
  await sweepStalePins(base);
  // The pid in the name lets a later writer tell a pin whose writer was killed (SIGKILL skips `release`).
  const dir = await mkdtemp(path.join(base, `companion-writer-${process.pid}-`));
  const target = path.join(dir, 'image');
  try {
    await writeFile(target, '', { mode: 0o400 });
    const [mount, umount] = await Promise.all([findSystemProgram('mount'), findSystemProgram('umount')]);
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
