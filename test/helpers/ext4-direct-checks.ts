// Independent checks of an ext4 image: the real debugfs and e2fsck called directly, never through the code under
// test. Unlike debugfs-probe they find the tools on PATH (with the sbin folders) and also read a bare file system.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const MIB = 1024 * 1024;
export const SBIN_PATH = `/usr/sbin:/sbin:${process.env.PATH ?? ''}`;

function spec(image: string, offset: number): string {
  return offset === 0 ? image : `${image}?offset=${offset}`;
}

function debugfsRaw(image: string, offset: number, request: string): { stdout: Buffer; stderr: string } {
  const result = spawnSync('debugfs', ['-R', request, spec(image, offset)], {
    env: { ...process.env, PATH: SBIN_PATH, LC_ALL: 'C' },
    maxBuffer: 64 * MIB,
  });
  return { stdout: result.stdout, stderr: result.stderr.toString() };
}

export function catDirect(image: string, offset: number, file: string): Buffer {
  return debugfsRaw(image, offset, `cat "${file}"`).stdout;
}

export function statDirect(image: string, offset: number, file: string) {
  const text = debugfsRaw(image, offset, `stat "${file}"`).stdout.toString();
  if (!text.includes('Inode:')) return null;
  const num = (re: RegExp) => Number(re.exec(text)?.[1]);
  return {
    type: /Type: (\w+)/.exec(text)?.[1],
    mode: parseInt(/Mode:\s+(\d+)/.exec(text)?.[1] ?? '', 8),
    uid: num(/User:\s+(\d+)/),
    gid: num(/Group:\s+(\d+)/),
    size: num(/Size: (\d+)/),
  };
}

export function fsckDirect(image: string, offset: number): { status: number | null; output: string } {
  const result = spawnSync('e2fsck', ['-fn', spec(image, offset)], {
    env: { ...process.env, PATH: SBIN_PATH },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
