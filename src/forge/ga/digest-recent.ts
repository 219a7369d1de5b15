import { type DigestMap, DigestTable, type DigestWords } from './digest-table.js';

// A DigestMap in front of another one that keeps the keys set or found recently in memory: two small
// tables of up to `recent` keys, the older dropped when the newer fills, a key found behind them moved
// back in. Why: the table behind it keeps old keys on disk (digest-runs.ts), and breeding asks ~400
// already-seen plays a generation (clones of the elites and of the last generations' children): in a
// 10-minute evolve, reading those hits back took 5.6 % of the main thread, more as the run went on
// (bench/RESULTS.md, issue 10 point 9). Now only hits on keys not asked for lately still read.

export interface RecentFirstOptions {
  /** Keys in each of the two recent tables. */
  readonly recent: number;
}

const DEFAULTS: RecentFirstOptions = { recent: 32_768 };

export class RecentFirst implements DigestMap {
  private young = new DigestTable();
  private old = new DigestTable();
  private readonly options: RecentFirstOptions;

  constructor(
    private readonly inner: DigestMap,
    options: Partial<RecentFirstOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    if (!(Number.isInteger(this.options.recent) && this.options.recent >= 1))
      throw new Error(`internal: RecentFirst recent: got ${this.options.recent}, expected an integer >= 1`);
  }

  get size(): number {
    return this.inner.size;
  }

  /** The inner table's bytes and the recent tables' (bounded by `recent`). */
  get bytes(): number {
    return this.inner.bytes + this.young.bytes + this.old.bytes;
  }

  get(key: DigestWords): number | undefined {
    const recent = this.young.get(key) ?? this.old.get(key);
    if (recent !== undefined) return recent;
    const value = this.inner.get(key);
    if (value !== undefined) this.remember(key, value);
    return value;
  }

  has(key: DigestWords): boolean {
    return this.get(key) !== undefined;
  }

  set(key: DigestWords, value: number, overwrite = false): void {
    if (!overwrite && (this.young.has(key) || this.old.has(key))) return;
    this.inner.set(key, value, overwrite);
    // The inner table's value is the truth: a key set before keeps its first value unless overwritten.
    this.remember(key, overwrite ? value : (this.inner.get(key) as number));
  }

  close(): void {
    this.inner.close();
  }

  private remember(key: DigestWords, value: number): void {
    if (this.young.size >= this.options.recent && !this.young.has(key)) {
      this.old = this.young;
      this.young = new DigestTable();
    }
    this.young.set(key, value, true);
  }
}
