import { createReadStream, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { IMAGE_BUFFER_BYTES } from './decompress-image-sink.js';

/** Where a decompressor reads the source from, and how far it has read. */
export interface ChildInput {
  /** The source file itself as the child's stdin, when its read position can be watched (Linux). */
  fd?: number;
  /** Otherwise a stream this process pipes into the child's stdin. */
  stream?: Readable;
  /** Reports the bytes read so far to `onRead`; call it whenever progress is due. */
  poll(): void;
  close(): Promise<void>;
}

/** The read position of one of this process's descriptors, shared with a child that inherited it. */
function positionOf(fd: number): number | null {
  try {
    const match = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * On Linux the child reads the file through an inherited descriptor: piping hundreds of MB through this process cost
 * a third of the decompression time. Its progress is the descriptor's position, read from /proc/self/fdinfo.
 */
export async function openChildInput(source: string, onRead: (bytes: number) => void): Promise<ChildInput> {
  if (process.platform === 'linux') {
    const handle = await open(source, 'r');
    if (positionOf(handle.fd) !== null) {
      return {
        fd: handle.fd,
        poll: () => onRead(positionOf(handle.fd) ?? 0),
        close: () => handle.close(),
      };
    }
    await handle.close();
  }
  return streamInput(source, onRead);
}

/** The source as a read stream with its progress counted; used by the in-process formats too. */
export function streamInput(source: string, onRead: (bytes: number) => void): ChildInput {
  const stream = createReadStream(source, { highWaterMark: IMAGE_BUFFER_BYTES });
  let read = 0;
  // A 'data' listener starts the flow: the caller must pipe it in this same tick, or chunks go nowhere.
  stream.on('data', (chunk: Buffer | string) => onRead((read += chunk.length)));
  return { stream, poll: () => {}, close: async () => void stream.destroy() };
}
