import { stat } from 'node:fs/promises';
import plist from 'plist';
import { findSystemProgram, findTool, runToolOrThrow } from '../tools/index.js';

/** TotalSize from `diskutil info -plist`; null when missing. */
export function parseDiskutilTotalSize(xml: string): number | null {
  const info = plist.parse(xml) as Record<string, unknown>;
  const size = info.TotalSize ?? info.Size;
  return typeof size === 'number' && Number.isFinite(size) ? size : null;
}

/**
 * Size of a block device in bytes. fstat reports 0 for block devices, so ask the OS tools: `blockdev --getsize64`
 * on Linux, `diskutil info -plist` on macOS. A regular file (tests, images of images) is its own size.
 */
export async function deviceSize(device: string): Promise<number> {
  const info = await stat(device);
  if (info.isFile()) return info.size;
  if (process.platform === 'darwin') {
    const { stdout } = await runToolOrThrow(await findTool('diskutil'), ['info', '-plist', device]);
    const size = parseDiskutilTotalSize(stdout);
    if (size === null) throw new Error(`diskutil info gave no size for ${device}`);
    return size;
  }
  const { stdout } = await runToolOrThrow(await findSystemProgram('blockdev'), ['--getsize64', device]);
  const size = Number(stdout.trim());
  if (!Number.isSafeInteger(size)) throw new Error(`blockdev --getsize64 ${device} printed ${stdout.trim()}`);
  return size;
}
