// generations.json as the writer thread keeps it between writes.
//
// The file is JSON.stringify(stats, null, 2) and grows by one entry a generation; it is rewritten whole
// (atomically) at each write, because the checkpoint written after it must find every generation there.
// Held as one string per entry and joined at each write, the text lived on the writer thread's V8 heap
// twice over (the entries, then each write's joined copy and its UTF-8 bytes): the thread's committed
// heap grew 19 -> 58 MiB in 5.5 minutes of a long run (bench/RESULTS.md, issue 10 point 9). Here the
// text is kept once, as UTF-8 bytes in a buffer outside the heap that grows by doubling, and a write
// hands a view of it to the file: no per-write copy, nothing for the garbage collector to trace.

const HEAD = Buffer.from('[\n');
const TAIL = Buffer.from('\n]\n');
const EMPTY = Buffer.from('[]\n');

/** JSON.stringify(entries, null, 2) + '\n' as bytes, built from each entry's text once. */
export class IndentedJsonArray {
  private buf = Buffer.alloc(64 * 1024);
  private end = HEAD.length;
  /** Byte offset of each entry's text (its separator included) in `buf`. */
  private starts: number[] = [];

  constructor() {
    HEAD.copy(this.buf, 0);
  }

  get length(): number {
    return this.starts.length;
  }

  /** Bytes held (the buffer's capacity). */
  get bytes(): number {
    return this.buf.length;
  }

  /** Sets entries [from, from + entries.length); the ones after are dropped (a write that failed is sent again). */
  set(from: number, entries: readonly unknown[]): void {
    if (from > this.starts.length) throw new Error(`internal: statistics from ${from}, ${this.starts.length} held`);
    if (from < this.starts.length) this.end = this.starts[from];
    this.starts.length = from;
    for (const e of entries) {
      const text = `${this.starts.length > 0 ? ',\n' : ''}  ${JSON.stringify(e, null, 2).replace(/\n/g, '\n  ')}`;
      this.reserve(Buffer.byteLength(text) + TAIL.length);
      this.starts.push(this.end);
      this.end += this.buf.write(text, this.end);
    }
  }

  /** The file's content: a view of the buffer, valid until the next set(). */
  text(): Uint8Array {
    if (this.starts.length === 0) return EMPTY;
    TAIL.copy(this.buf, this.end);
    return this.buf.subarray(0, this.end + TAIL.length);
  }

  private reserve(more: number): void {
    if (this.end + more <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.end + more) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.end);
    this.buf = next;
  }
}
