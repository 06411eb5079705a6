/** Keeps the last `limit` characters of a stream without re-copying it on every chunk. */
export class Scrollback {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  append(data: string): void {
    this.chunks.push(data);
    this.size += data.length;
    if (this.chunks.length > 256) this.chunks = [this.chunks.join('')];
    while (this.size > this.limit) {
      const first = this.chunks[0] ?? '';
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        continue;
      }
      // Never start on the second half of a surrogate pair.
      const low = first.charCodeAt(excess);
      const cut = low >= 0xdc00 && low <= 0xdfff ? excess + 1 : excess;
      this.chunks[0] = first.slice(cut);
      this.size -= cut;
    }
  }

  text(): string {
    const text = this.chunks.join('');
    this.chunks = [text];
    return text;
  }
}
