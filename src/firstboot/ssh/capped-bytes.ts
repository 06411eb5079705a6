import { OUTPUT_CAP_BYTES } from '../remote-shell.js';

/** The marker appended where output was cut at the cap. */
export const CUT_MARKER = '\n… (output cut)';

/** Keeps the first `cap` bytes of a stream as it arrives, so a chatty command cannot fill our memory. */
export class CappedBytes {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  cut = false;

  constructor(private readonly cap = OUTPUT_CAP_BYTES) {}

  /** Adds a chunk; returns false once the cap is reached (the rest is dropped). */
  push(chunk: Buffer): boolean {
    const room = this.cap - this.kept;
    if (chunk.length > room) {
      this.cut = true;
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.kept = this.cap;
      return false;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    return !this.cut;
  }

  /** UTF-8 text; a character split by the cut is dropped rather than shown as U+FFFD. */
  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.cut ? `${text.replace(/\uFFFD$/, '')}${CUT_MARKER}` : text;
  }
}
