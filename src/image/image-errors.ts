import { DomainError } from '../errors.js';

/** Why an image cannot be used; each code has its own wording in the UI. */
export type ImageErrorCode =
  | 'image-not-found'
  | 'image-unreadable'
  | 'image-unknown-format'
  | 'image-too-small'
  | 'image-corrupt'
  | 'image-truncated'
  | 'image-no-partition-table'
  | 'image-no-ext4-root'
  | 'image-dest-exists'
  | 'image-disk-full';

/** A disk image (or where it was to be written) is not usable; the message says what was found. */
export class ImageError extends DomainError<ImageErrorCode> {}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** "512 bytes", "38 MiB", "1.5 GiB" (binary units, like the partition tools print). */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** Turns a failed open/read of the user's image file into words; anything else passes through. */
export function imageAccessError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') {
    return new ImageError(
      'image-not-found',
      `The image ${file} does not exist.`,
      'Check the path, or build/download the image again.',
      { cause: error },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ImageError(
      'image-unreadable',
      `The image ${file} cannot be read (permission denied).`,
      'Make the file readable by your user, or copy it somewhere you own.',
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    return new ImageError(
      'image-unreadable',
      `${file} is a folder, not an image file.`,
      'Pick the .img, .img.zst, .img.xz or .img.gz file inside it (NixOS puts it in result/sd-image/).',
      { cause: error },
    );
  }
  return error;
}
