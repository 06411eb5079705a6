import { StringDecoder } from 'node:string_decoder';

/** Keeps the last `max` bytes of a stream. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0]?.length ?? 0) >= this.max) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  toString(): string {
    let all = Buffer.concat(this.chunks);
    if (all.length <= this.max) return all.toString('utf8');
    all = all.subarray(all.length - this.max);
    // Do not start in the middle of a UTF-8 character.
    let start = 0;
    while (start < all.length && start < 3 && ((all[start] ?? 0) & 0xc0) === 0x80) start++;
    return all.subarray(start).toString('utf8');
  }
}

/** Splits a byte stream into lines for a callback; an endless line is cut at `max` characters. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly max: number,
  ) {}

  push(chunk: Buffer): void {
    const lines = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (this.pending.length > this.max) this.flush();
  }

  end(): void {
    this.pending += this.decoder.end();
    this.flush();
  }

  private flush(): void {
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
  }
}
