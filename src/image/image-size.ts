import { stat } from 'node:fs/promises';
import { findTool, runTool } from '../tools/index.js';
import type { ImageFormat } from './image-format.js';

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

/** What `zstd -l` / `xz -l` say of a compressed image: its decompressed size when the headers carry it, or why not. */
export interface CompressedListing {
  size: number | null;
  /** The tool's complaint when it could not list the file: a cut-off or damaged file. Null when it listed. */
  damaged: string | null;
}

/** Lists a zstd or xz file without decompressing it: both walk the frame/block headers to the end of the file. */
export async function listCompressedImage(source: string, format: 'zstd' | 'xz'): Promise<CompressedListing> {
  const tool = await findTool(format);
  const args = format === 'zstd' ? ['-lv', '--', source] : ['--robot', '-l', '--', source];
  const result = await runTool(tool, args);
  if (result.code !== 0)
    return { size: null, damaged: result.stderr.trim() || `${format} could not list it` };
  return {
    size: format === 'zstd' ? parseZstdListSize(result.stdout) : parseXzRobotSize(result.stdout),
    damaged: null,
  };
}

/**
 * The size the image will have once decompressed, or null when the file does not say. gzip is always null: its
 * ISIZE trailer is the size mod 2^32, so it lies for every image over 4 GiB.
 */
export async function decompressedImageSize(source: string, format: ImageFormat): Promise<number | null> {
  if (format === 'raw') return (await stat(source)).size;
  if (format === 'gzip') return null;
  // A damaged or truncated file may not list; the decompressor then reports what is wrong with it.
  return (await listCompressedImage(source, format)).size;
}
