import { stat } from 'node:fs/promises';
import { findTool, runTool } from '../../tools/index.js';
import type { ImageFormat } from '../../image/index.js';

/** The "Decompressed Size" zstd -lv prints, when every frame header carries one; else null. */
export function parseZstdListSize(output: string): number | null {
  const match = /^Decompressed Size:.*\((\d+) B\)\s*$/m.exec(output);
  return match ? Number(match[1]) : null;
}

/** The uncompressed column of the `totals` line of `xz --robot -l`; null when absent. */
export function parseXzRobotSize(output: string): number | null {
  const totals = output.split('\n').find((line) => line.startsWith('totals\t'));
  const field = totals?.split('\t')[4];
  return field && /^\d+$/.test(field) ? Number(field) : null;
}

/**
 * The size the image will have once decompressed, or null when the file does not say. gzip is always null: its
 * ISIZE trailer is the size mod 2^32, so it lies for every image over 4 GiB.
 */
export async function decompressedImageSize(source: string, format: ImageFormat): Promise<number | null> {
  if (format === 'raw') return (await stat(source)).size;
  if (format === 'gzip') return null;
  const tool = await findTool(format);
  const args = format === 'zstd' ? ['-lv', '--', source] : ['--robot', '-l', '--', source];
  const result = await runTool(tool, args);
  // A damaged or truncated file may not list; the decompressor then reports what is wrong with it.
  if (result.code !== 0) return null;
  return format === 'zstd' ? parseZstdListSize(result.stdout) : parseXzRobotSize(result.stdout);
}
