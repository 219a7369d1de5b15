// A set of 96-bit digests with a float64 value each, in two typed arrays outside V8's heap.
//
// Why not a Map<string, number>: the GA's evaluated set grows by one entry per distinct evaluation, which
// is legitimately O(evaluations) (forgetting a play would evaluate it again and change results), and a
// long run makes ~2,000 of them a second. As Map entries (a 22-character digest string, a sliced string
// over it, a boxed number, the Map's own slots) they cost ~123 bytes each in the main isolate's heap
// (heap snapshots of a 2-minute run: +16 MiB for 137,000 evaluations), and V8 sizes its old space from
// the live size (up to 4x), so the main isolate's committed old space grew 79 -> 195 MiB in those 2
// minutes for ~25 MiB more live data (bench/RESULTS.md, issue 10 point 9). Here an entry costs 20 bytes
// in a table kept 72-90 % full (~25 bytes an evaluation), none of it on V8's heap, and no per-entry
// object exists for the garbage collector to trace.
//
// Keys are uniformly random digests (SHA-1 prefixes), so the slot is the first word scaled to the
// capacity (no hashing), linear probing stays short at 90 % load (lookups are a few thousand a second,
// far from the search's hot path), and the table grows by 1.25x, not 2x, to keep the slack small.

/** Largest share of slots in use before the table grows. */
const MAX_LOAD = 0.9;
const GROWTH = 1.25;
const MIN_CAPACITY = 1024;

/** A digest as three 32-bit words; word 0 never 0 (0 marks an empty slot). */
export type DigestWords = readonly [number, number, number];

export class DigestTable {
  private keys: Uint32Array;
  private values: Float64Array;
  private count = 0;

  constructor(capacity = MIN_CAPACITY) {
    const c = Math.max(MIN_CAPACITY, Math.ceil(capacity));
    this.keys = new Uint32Array(3 * c);
    this.values = new Float64Array(c);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.values.length;
  }

  /** Bytes held by the table's arrays (what it adds to the process's memory, whatever the load). */
  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  /** The value stored for `key`, or undefined. */
  get(key: DigestWords): number | undefined {
    const i = this.slot(key[0], key[1], key[2]);
    return this.keys[3 * i] === 0 ? undefined : this.values[i];
  }

  has(key: DigestWords): boolean {
    return this.keys[3 * this.slot(key[0], key[1], key[2])] !== 0;
  }

  /** Stores `value` for `key`; an existing key keeps its value unless `overwrite`. */
  set(key: DigestWords, value: number, overwrite = false): void {
    let i = this.slot(key[0], key[1], key[2]);
    if (this.keys[3 * i] !== 0) {
      if (overwrite) this.values[i] = value;
      return;
    }
    if (this.count + 1 > MAX_LOAD * this.capacity) {
      this.grow();
      i = this.slot(key[0], key[1], key[2]);
    }
    this.keys[3 * i] = key[0];
    this.keys[3 * i + 1] = key[1];
    this.keys[3 * i + 2] = key[2];
    this.values[i] = value;
    this.count++;
  }

  /** The slot holding the key (a, b, c), or the empty slot where it would go. */
  private slot(a: number, b: number, c: number): number {
    if (a === 0) throw new Error('internal: a digest key with word 0 = 0 (reserved for empty slots)');
    const keys = this.keys;
    const capacity = this.values.length;
    // The first word scaled to [0, capacity); min() guards the last slot against rounding at huge sizes.
    let i = Math.min(capacity - 1, Math.floor((a * capacity) / 4294967296));
    for (;;) {
      const w = keys[3 * i];
      if (w === 0 || (w === a && keys[3 * i + 1] === b && keys[3 * i + 2] === c)) return i;
      i = i + 1 === capacity ? 0 : i + 1;
    }
  }

  private grow(): void {
    const old = this.keys;
    const oldValues = this.values;
    const capacity = Math.ceil(this.capacity * GROWTH);
    this.keys = new Uint32Array(3 * capacity);
    this.values = new Float64Array(capacity);
    for (let j = 0; j < oldValues.length; j++) {
      if (old[3 * j] === 0) continue;
      const i = this.slot(old[3 * j], old[3 * j + 1], old[3 * j + 2]);
      this.keys[3 * i] = old[3 * j];
      this.keys[3 * i + 1] = old[3 * j + 1];
      this.keys[3 * i + 2] = old[3 * j + 2];
      this.values[i] = oldValues[j];
    }
  }
}
