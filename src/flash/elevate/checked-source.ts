import { constants, type Stats } from 'node:fs';
import { type FileHandle, mkdtemp, open, realpath, rm, stat, writeFile } from 'node:fs/promises';
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
  realPath: string;
  /** How the file was pinned, for the task log. */
  pinned: string;
  close(): Promise<void>;
}

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
 * The writer and its decompressors then open the file by path again, so a caller could swap the path for a symlink
 * right after this check. On Linux the opened descriptor is bind-mounted onto a file in a root-only folder, and
 * that path is what the writer reads: it names the checked inode whatever happens to the original path. (The
 * /proc/<pid>/fd path alone is not enough: zstd and gzip refuse to read through a symlink.) Where the bind mount is
 * not possible (macOS, no mount rights), the identity is re-checked instead, which leaves a narrow window.
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
  const handle = await asUser(user, () => open(realPath, constants.O_RDONLY | constants.O_NOFOLLOW)).catch(
    () => {
      throw refuseSource(source, 'is not readable by your account');
    },
  );
  const opened = await handle.stat();
  if (!opened.isFile() || opened.ino !== info.ino || opened.dev !== info.dev) {
    await handle.close();
    throw refuseSource(source, 'changed while it was being checked');
  }
  const pin = platform === 'linux' ? await bindMountPin(handle).catch(() => null) : null;
  if (pin) {
    return {
      path: pin.path,
      realPath,
      pinned: 'bind-mounted',
      close: async () => {
        await pin.release();
        await handle.close();
      },
    };
  }
  const again = await stat(realPath).catch(() => null);
  if (again?.ino !== info.ino || again.dev !== info.dev) {
    await handle.close();
    throw refuseSource(source, 'changed while it was being checked');
  }
  return { path: realPath, realPath, pinned: 're-checked', close: () => handle.close() };
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

/** Bind-mounts the open file onto a root-only path; --no-canonicalize so mount(8) never re-resolves the link text. */
async function bindMountPin(handle: FileHandle): Promise<{ path: string; release: () => Promise<void> }> {
  const base = process.getuid?.() === 0 && (await stat('/run').catch(() => null)) ? '/run' : tmpdir();
  const dir = await mkdtemp(path.join(base, 'companion-writer-'));
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
