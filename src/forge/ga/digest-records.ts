// The entries of a DigestTable (digest-table.ts), in insertion order: each key's last two words and its
// value (16 bytes an entry). The table's slots hold only the first word and the entry's index; it reads an
// entry back when a slot's first word matches the key it looks for (a hit, or a 2^-32 chance per probed
// slot).

/** Entries in two growing typed arrays. */
export class MemoryRecords {
  private words = new Uint32Array(2 * 1024);
  private values = new Float64Array(1024);
  private count = 0;

  append(b: number, c: number, value: number): number {
    if (this.count === this.values.length) {
      // 1.25x, like the slots: in memory, slack is memory a run keeps.
      const capacity = Math.ceil(this.values.length * 1.25);
      const words = new Uint32Array(2 * capacity);
      words.set(this.words);
      const values = new Float64Array(capacity);
      values.set(this.values);
      this.words = words;
      this.values = values;
    }
    this.words[2 * this.count] = b;
    this.words[2 * this.count + 1] = c;
    this.values[this.count] = value;
    return this.count++;
  }

  matches(i: number, b: number, c: number): boolean {
    return this.words[2 * i] === b && this.words[2 * i + 1] === c;
  }

  keyWords(i: number): [number, number] {
    return [this.words[2 * i], this.words[2 * i + 1]];
  }

  value(i: number): number {
    return this.values[i];
  }

  setValue(i: number, value: number): void {
    this.values[i] = value;
  }

  get bytes(): number {
    return this.words.byteLength + this.values.byteLength;
  }
}
