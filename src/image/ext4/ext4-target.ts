import { stat } from 'node:fs/promises';
import path from 'node:path';
import { withDiskReader } from '../disk-reader.js';
import { Ext4Error } from './ext4-error.js';
import type { Ext4Target } from './ext4-types.js';

/**
 * Checks the image file and offset before any tool sees them, and makes the path absolute (so it can never be
 * mistaken for an option) — libext2fs splits the name at the first `?` for its `?offset=` option, so a `?` in the
 * file name itself cannot be passed at all. `acceptBlockDevice`: the target may be a card, which debugfs opens just as
 * well (`/dev/sdb?offset=N`); writes never ask for that.
 */
export async function resolveTarget(
  target: Ext4Target & { acceptBlockDevice?: boolean },
): Promise<Ext4Target> {
  const image = path.resolve(target.image);
  const refuse = (message: string, hint: string) => new Ext4Error('ext4-bad-image', message, hint);
  if (image.includes('?')) {
    throw refuse(
      `The image path ${image} contains "?", which e2fsprogs cannot open.`,
      'Rename the image file.',
    );
  }
  if (!Number.isSafeInteger(target.offset) || target.offset < 0) {
    throw refuse(`${target.offset} is not a valid partition offset.`, 'Give the offset in bytes, 0 or more.');
  }
  let size: number;
  try {
    const info = await stat(image);
    const device = target.acceptBlockDevice === true && info.isBlockDevice();
    if (!info.isFile() && !device)
      throw refuse(`${image} is not a regular file.`, 'Choose an image file, not a device.');
    size = device ? await withDiskReader(image, (disk) => disk.size()) : info.size;
  } catch (error) {
    if (error instanceof Ext4Error) throw error;
    throw refuse(
      `Cannot read the image ${image}: ${(error as Error).message}`,
      'Check that the file exists.',
    );
  }
  if (target.offset >= size) {
    throw refuse(
      `The partition offset ${target.offset} is beyond the end of ${image} (${size} bytes).`,
      'The image is truncated or the offset is wrong.',
    );
  }
  return { image, offset: target.offset };
}
