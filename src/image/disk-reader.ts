import { open } from 'node:fs/promises';
import { deviceSize } from './device-size.js';

/**
 * The most one read may allocate: a partition table's head or a superblock. A partition table that asks for more
 * (a GPT entry array far out) is read short and reported as damaged rather than filling memory.
 */
export const MAX_READ_BYTES = 1024 * 1024;

/** Positional reads of a disk image file or a block device (a card), never writes. */
export interface DiskReader {
  readonly path: string;
  /** Bytes: the file's length, or the device's capacity (which fstat reports as 0). */
  size(): Promise<number>;
  /** Up to `length` (≤ MAX_READ_BYTES) bytes from `offset`; fewer at the end of the disk. */
  readAt(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openDiskReader(path: string): Promise<DiskReader> {
  const handle = await open(path, 'r');
  let size: Promise<number> | null = null;
  return {
    path,
    size() {
      size ??= handle.stat().then((info) => (info.isBlockDevice() ? deviceSize(path) : info.size));
      return size;
    },
    async readAt(offset, length) {
      if (!Number.isSafeInteger(length) || length < 0 || length > MAX_READ_BYTES)
        throw new RangeError(`a disk read of ${length} bytes is over the ${MAX_READ_BYTES}-byte cap`);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

/** Opens `path`, hands the reader to `use`, and closes it however `use` ends. */
export async function withDiskReader<T>(path: string, use: (disk: DiskReader) => Promise<T>): Promise<T> {
  const disk = await openDiskReader(path);
  try {
    return await use(disk);
  } finally {
    await disk.close();
  }
}
