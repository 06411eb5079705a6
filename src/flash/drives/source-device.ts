import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The block device holding `file` (e.g. '/dev/sda1'), from its st_dev through /sys/dev/block on Linux; null when
 * unknown (other platforms, network or overlay filesystems). The policy also matches by mountpoint, so null is safe.
 */
export async function findSourceDevice(
  file: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string | null> {
  if (platform !== 'linux') return null;
  try {
    const { dev } = await stat(file);
    // Linux dev_t: major in bits 8–19 (and above 32), minor in bits 0–7 and 20–31.
    const major = ((dev >> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    const target = await realpath(`/sys/dev/block/${major}:${minor}`);
    return `/dev/${path.basename(target)}`;
  } catch {
    return null;
  }
}
