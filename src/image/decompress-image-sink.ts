import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** Big writes keep the disk busy and the syscall count low; the brief's floor for image streams. */
export const IMAGE_BUFFER_BYTES = 4 * 1024 * 1024;
/** Zero runs at least this long become holes instead of writes (the file was created empty, so holes read as 0). */
const HOLE_BLOCK = 64 * 1024;
const ZEROS = Buffer.alloc(HOLE_BLOCK);
/** How much of the start the caller may inspect afterwards (MBR + primary GPT). */
export const HEAD_BYTES = 34 * 512;

export interface ImageSinkOptions {
  bufferBytes?: number;
  /** Called after each accepted chunk with the total so far; a throw fails the stream. */
  onWritten?: (writtenBytes: number) => void;
}

/**
 * Writes a stream into a freshly created file in large positional writes, skipping all-zero blocks so the output is
 * sparse (images are mostly free space: faster on slow disks, smaller on disk), and hashes every byte on the way.
 */
export class ImageSink extends Writable {
  private readonly hash = createHash('sha256');
  private readonly buffer: Buffer;
  private filled = 0;
  private flushedTo = 0;
  private headBytes: Buffer[] = [];
  private headLength = 0;
  /** Bytes accepted so far (logical size of the image). */
  written = 0;
  private digest: string | null = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly options: ImageSinkOptions = {},
  ) {
    const bufferBytes = options.bufferBytes ?? IMAGE_BUFFER_BYTES;
    super({ highWaterMark: bufferBytes });
    this.buffer = Buffer.allocUnsafe(bufferBytes);
  }

  /** The first HEAD_BYTES bytes written (fewer if the stream was shorter). */
  get head(): Buffer {
    return Buffer.concat(this.headBytes, this.headLength);
  }

  /** Hex SHA-256 of everything written; available once the stream has finished. */
  get sha256(): string {
    if (this.digest === null) throw new Error('ImageSink.sha256 read before the stream finished');
    return this.digest;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.accept(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush()
      // Trailing holes do not extend a file: set its length explicitly.
      .then(() => this.handle.truncate(this.written))
      .then(() => {
        this.digest = this.hash.digest('hex');
        callback();
      }, callback);
  }

  private async accept(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headBytes.push(Buffer.from(part));
      this.headLength += part.length;
    }
    let offset = 0;
    while (offset < chunk.length) {
      const n = chunk.copy(this.buffer, this.filled, offset);
      this.filled += n;
      offset += n;
      if (this.filled === this.buffer.length) await this.flush();
    }
    this.written += chunk.length;
    this.options.onWritten?.(this.written);
  }

  /** Writes the buffered bytes at their place in the file, leaving holes for all-zero blocks. */
  private async flush(): Promise<void> {
    let runStart = -1;
    for (let at = 0; at < this.filled; at += HOLE_BLOCK) {
      const end = Math.min(at + HOLE_BLOCK, this.filled);
      const zero = this.buffer.subarray(at, end).equals(ZEROS.subarray(0, end - at));
      if (!zero && runStart < 0) runStart = at;
      if (zero && runStart >= 0) {
        await this.writeRange(runStart, at);
        runStart = -1;
      }
    }
    if (runStart >= 0) await this.writeRange(runStart, this.filled);
    this.flushedTo += this.filled;
    this.filled = 0;
  }

  private async writeRange(from: number, to: number): Promise<void> {
    let at = from;
    while (at < to && !this.destroyed) {
      const { bytesWritten } = await this.handle.write(this.buffer, at, to - at, this.flushedTo + at);
      at += bytesWritten;
    }
  }
}
