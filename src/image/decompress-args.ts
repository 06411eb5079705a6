import type { ImageFormat } from './image-format.js';

// --long=31 permits frames made with a long window without forcing one. gzip too has a CLI entry: the card writer
// runs every compressed format through a child, so all of them take the same fast path.
const DECOMPRESS_ARGS: Record<Exclude<ImageFormat, 'raw'>, readonly string[]> = {
  zstd: ['-d', '-c', '-q', '--no-progress', '--long=31'],
  xz: ['-d', '-c', '-q', '-T0'],
  gzip: ['-d', '-c'],
};

/**
 * The decompressor's arguments to write the image to its stdout. `sparse`: stdout is a regular file that should get
 * holes for zero blocks; zstd only makes them when asked, xz does it by itself.
 */
export function decompressArgs(
  format: Exclude<ImageFormat, 'raw'>,
  options: { sparse?: boolean } = {},
): string[] {
  const args = [...DECOMPRESS_ARGS[format]];
  return options.sparse && format === 'zstd' ? [...args, '--sparse'] : args;
}
