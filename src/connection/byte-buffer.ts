/** A growable byte buffer: appends are amortised O(1), so megabytes of output stay linear. */
export class ByteBuffer {
  private data = Buffer.alloc(4096);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Buffer): void {
    if (this.end + chunk.length > this.data.length) {
      const needed = this.length + chunk.length;
      const next = needed * 2 <= this.data.length ? this.data : Buffer.alloc(Math.max(needed * 2, 4096));
      this.data.copy(next, 0, this.start, this.end);
      this.data = next;
      this.end -= this.start;
      this.start = 0;
    }
    chunk.copy(this.data, this.end);
    this.end += chunk.length;
  }

  indexOf(needle: Buffer | string, from = 0): number {
    return this.view().indexOf(needle, from);
  }

  /** A copy of bytes [from, to) of what is buffered. */
  slice(from: number, to: number): Buffer {
    return Buffer.from(this.view().subarray(from, to));
  }

  /** Drops the first n bytes. */
  consume(n: number): void {
    this.start = Math.min(this.end, this.start + n);
    if (this.start === this.end) this.start = this.end = 0;
  }

  private view(): Buffer {
    return this.data.subarray(this.start, this.end);
  }
}
