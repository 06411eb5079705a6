import type { FileHandle } from 'node:fs/promises';

/** Write-back starts once this much more has been written: big enough that each flush is one long sequential run. */
const FLUSH_STEP_BYTES = 128 * 1024 * 1024;

/**
 * Flushes a file to disk behind its writer while the writer goes on, so the disk works during decompression instead
 * of all at the end: Node has no sync_file_range, but an fdatasync on the thread pool does the same for a file that
 * only grows (it writes what is dirty when it starts; later writes are not held up). One flush at a time.
 */
export class FlushBehind {
  private flushedAt = 0;
  private running: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly stepBytes = FLUSH_STEP_BYTES,
  ) {}

  /** The writer has reached `size`: start a flush when a step's worth is unflushed and none is running. */
  advance(size: number): void {
    if (this.running || this.failure || size - this.flushedAt < this.stepBytes) return;
    this.flushedAt = size;
    this.running = this.handle.datasync().then(
      () => {
        this.running = null;
      },
      (error: unknown) => {
        this.failure = error; // e.g. EIO or ENOSPC at write-back: reported by settle(), not lost
        this.running = null;
      },
    );
  }

  /** Waits for the flush under way; throws what any flush failed with. The caller still fsyncs at the end. */
  async settle(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
  }
}
