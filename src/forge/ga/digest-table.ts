// A set of 96-bit digests with a float64 value each, in memory but outside V8's heap. A search with a run
// folder keeps its evaluated set on disk instead (digest-runs.ts), which uses this one for its pending keys.
//
// Why not a Map<string, number>: the GA's evaluated set grows by one entry per distinct evaluation, which
// is legitimately O(evaluations) (forgetting a play would evaluate it again and change results), and a
// long run makes ~2,000 of them a second. As Map entries (a 22-character digest string, a sliced string
// over it, a boxed number, the Map's own slots) they cost ~123 bytes each in the main isolate's heap
// (heap snapshots of a 2-minute run: +16 MiB for 137,000 evaluations), and V8 sizes its old space from
// the live size (up to 4x), so the main isolate's committed old space grew 79 -> 195 MiB in those 2
// minutes for ~25 MiB more live data (bench/RESULTS.md, issue 10 point 9).
//
// The slots hold each key's first word and the index of its entry (8 bytes a slot, 72-90 % in use); the
// entries (the other two words and the value, digest-records.ts) 16 bytes more. A slot whose first word
// matches is checked against its entry, so answers stay exact.
//
// Keys are uniformly random digests (SHA-1 prefixes), so the slot is the first word scaled to the
// capacity (no hashing), linear probing stays short at 90 % load (lookups are a few thousand a second,
// far from the search's hot path), and the table grows by 1.25x, not 2x, to keep the slack small.

import { MemoryRecords } from './digest-records.js';

/** Largest share of slots in use before the table grows. */
const MAX_LOAD = 0.9;
const GROWTH = 1.25;
const MIN_CAPACITY = 1024;

/** A digest as three 32-bit words; word 0 never 0 (0 marks an empty slot). */
export type DigestWords = readonly [number, number, number];

/** What the evaluated set needs of its table: DigestTable in memory, DigestRuns on disk, RecentFirst in front. */
export interface DigestMap {
  get(key: DigestWords): number | undefined;
  has(key: DigestWords): boolean;
  /** Stores `value` for `key`; an existing key keeps its value unless `overwrite`. */
  set(key: DigestWords, value: number, overwrite?: boolean): void;
  readonly size: number;
  /** Bytes the table holds in the process. */
  readonly bytes: number;
  /** Releases what the table holds outside the heap (DigestRuns: its files). */
  close(): void;
}

export interface DigestTableOptions {
  readonly capacity: number;
}

export class DigestTable implements DigestMap {
  /** Per slot: the key's first word (0: empty slot) and its entry's index. */
  private heads: Uint32Array;
  private refs: Uint32Array;
  private readonly records = new MemoryRecords();
  private count = 0;

  constructor(options: Partial<DigestTableOptions> = {}) {
    const c = Math.max(MIN_CAPACITY, Math.ceil(options.capacity ?? MIN_CAPACITY));
    this.heads = new Uint32Array(c);
    this.refs = new Uint32Array(c);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.heads.length;
  }

  /** Bytes the table holds in the process (slots and in-memory entries), whatever the load. */
  get bytes(): number {
    return this.heads.byteLength + this.refs.byteLength + this.records.bytes;
  }

  /** The value stored for `key`, or undefined. */
  get(key: DigestWords): number | undefined {
    const i = this.slot(key[0], key[1], key[2]);
    return this.heads[i] === 0 ? undefined : this.records.value(this.refs[i]);
  }

  has(key: DigestWords): boolean {
    return this.heads[this.slot(key[0], key[1], key[2])] !== 0;
  }

  /** Stores `value` for `key`; an existing key keeps its value unless `overwrite`. */
  set(key: DigestWords, value: number, overwrite = false): void {
    let i = this.slot(key[0], key[1], key[2]);
    if (this.heads[i] !== 0) {
      if (overwrite) this.records.setValue(this.refs[i], value);
      return;
    }
    if (this.count + 1 > MAX_LOAD * this.capacity) {
      this.grow();
      i = this.slot(key[0], key[1], key[2]);
    }
    this.heads[i] = key[0];
    this.refs[i] = this.records.append(key[1], key[2], value);
    this.count++;
  }

  /** Calls `fn` with each key and its value, in slot order. */
  forEach(fn: (a: number, b: number, c: number, value: number) => void): void {
    for (let j = 0; j < this.heads.length; j++) {
      const a = this.heads[j];
      if (a === 0) continue;
      const [b, c] = this.records.keyWords(this.refs[j]);
      fn(a, b, c, this.records.value(this.refs[j]));
    }
  }

  /** Nothing to release: the arrays are the heap's. */
  close(): void {}

  /** The slot holding the key (a, b, c), or the empty slot where it would go. */
  private slot(a: number, b: number, c: number): number {
    if (a === 0) throw new Error('internal: a digest key with word 0 = 0 (reserved for empty slots)');
    const heads = this.heads;
    const capacity = heads.length;
    // The first word scaled to [0, capacity); min() guards the last slot against rounding at huge sizes.
    let i = Math.min(capacity - 1, Math.floor((a * capacity) / 4294967296));
    for (;;) {
      const w = heads[i];
      if (w === 0 || (w === a && this.records.matches(this.refs[i], b, c))) return i;
      i = i + 1 === capacity ? 0 : i + 1;
    }
  }

  /** Larger slots, filled from the old ones: the first word places a key, so no entry is read. */
  private grow(): void {
    const heads = this.heads;
    const refs = this.refs;
    const capacity = Math.ceil(this.capacity * GROWTH);
    this.heads = new Uint32Array(capacity);
    this.refs = new Uint32Array(capacity);
    for (let j = 0; j < heads.length; j++) {
      const a = heads[j];
      if (a === 0) continue;
      let i = Math.min(capacity - 1, Math.floor((a * capacity) / 4294967296));
      while (this.heads[i] !== 0) i = i + 1 === capacity ? 0 : i + 1;
      this.heads[i] = a;
      this.refs[i] = refs[j];
    }
  }
}
