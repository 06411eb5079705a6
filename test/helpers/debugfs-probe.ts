import { spawnSync } from 'node:child_process';

/**
 * Reads an ext4 file system inside an image with the real debugfs, independently of the app's own read-back code, so
 * tests check the image itself rather than our parser of it.
 */
export function debugfsRequest(
  image: string,
  offset: number,
  request: string,
): { stdout: Buffer; stderr: string } {
  const result = spawnSync('/usr/sbin/debugfs', ['-R', request, `${image}?offset=${offset}`], {
    maxBuffer: 64 << 20,
  });
  return { stdout: result.stdout, stderr: result.stderr.toString() };
}

export function catFile(image: string, offset: number, path: string): Buffer {
  return debugfsRequest(image, offset, `cat "${path}"`).stdout;
}

/** Mode (permission bits), uid, gid and type from `debugfs -R stat`. */
export function statFile(
  image: string,
  offset: number,
  path: string,
): { type: string; mode: number; uid: number; gid: number } | null {
  const { stdout, stderr } = debugfsRequest(image, offset, `stat "${path}"`);
  const text = stdout.toString();
  if (/File not found/.test(stderr) || !/Inode:/.test(text)) return null;
  const type = /Type: (\w+)/.exec(text)?.[1] ?? 'unknown';
  const mode = parseInt(/Mode:\s+0?([0-7]+)/.exec(text)?.[1] ?? 'NaN', 8);
  const uid = Number(/User:\s+(\d+)/.exec(text)?.[1]);
  const gid = Number(/Group:\s+(\d+)/.exec(text)?.[1]);
  return { type, mode, uid, gid };
}

/** `e2fsck -fn` on the partition: exit 0 means clean. */
export function fsck(image: string, offset: number): { status: number | null; output: string } {
  const result = spawnSync('/usr/sbin/e2fsck', ['-fn', `${image}?offset=${offset}`]);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
