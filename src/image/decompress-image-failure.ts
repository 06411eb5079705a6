import { ImageError, formatSize } from './image-errors.js';
import type { ImageFormat } from './image-format.js';

// What zstd, xz and zlib say when the input stops early, as opposed to bytes that do not decode.
const TRUNCATED = /premature end|unexpected end|truncated|incomplete/i;
const ZLIB_TRUNCATED = new Set(['Z_BUF_ERROR']);

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1) ?? '';

/**
 * Builds the ImageError for a decompressor that gave up, from its words and how far it got. The headline says what
 * happened in plain words; the tool's own line goes to the task log (`details`).
 */
export function decompressionFailure(
  format: ImageFormat,
  says: string,
  writtenBytes: number,
  truncated = TRUNCATED.test(says),
): ImageError {
  const details = `${format} said: ${lastLine(says) || 'nothing'}`;
  const exact = writtenBytes >= 1024 ? ` (${writtenBytes} bytes)` : '';
  const got = `${formatSize(writtenBytes)}${exact} had been decompressed when it stopped; the partial output was removed.`;
  return truncated
    ? new ImageError(
        'image-truncated',
        `The ${format} image ends too early: the file was cut off. ${got}`,
        'The file was cut short (an interrupted download or copy): download or build it again.',
        { details },
      )
    : new ImageError(
        'image-corrupt',
        `The ${format} image is damaged: its data does not decode. ${got}`,
        'Download or build it again; if it was copied from removable media, copy it again.',
        { details },
      );
}

/** The ImageError for a zlib stream error (gzip images decode in-process). */
export function zlibFailure(error: NodeJS.ErrnoException, writtenBytes: number): ImageError {
  return decompressionFailure('gzip', error.message, writtenBytes, ZLIB_TRUNCATED.has(error.code ?? ''));
}
