import type { CountingCache } from './evaluator.js';
import { LruFeatureCache } from './cache.js';
import type { SlabViews } from './feature-slab.js';

/**
 * A worker's view of the shared feature store for one task: the features the coordinator listed for
 * it (key -> slots) served zero-copy from the slab. Anything else (a resampled higher-timeframe
 * feed, or a feature the stage could not compute) falls back to a small private cache, and each
 * feature computed there is counted: with a working stage that count stays 0.
 */
export class SlabFeatureCache implements CountingCache {
  private readonly table = new Map<string, Float64Array[]>();
  /**
   * Each feature's views, kept while it keeps its slots. A slot handed to another feature gets new
   * view objects: caches downstream (the rule kernels' leaf bitsets) key on array identity, so one
   * view object must only ever show one feature's values.
   */
  private readonly known = new Map<string, { slots: readonly number[]; cols: Float64Array[] }>();
  private readonly local: LruFeatureCache;
  hits = 0;
  /** Features this worker had to compute itself (resampled feeds not counted). */
  localComputes = 0;

  constructor(
    private readonly views: SlabViews | null,
    localBytes: number,
  ) {
    this.local = new LruFeatureCache(localBytes);
  }

  /**
   * The features of the next task (key -> a slot per output, -1 where none of its plays reads the
   * output); the previous task's list is forgotten (its slots may be reused).
   */
  bind(entries: readonly (readonly [string, readonly number[]])[]): void {
    this.table.clear();
    if (this.views === null) return;
    for (const [key, slots] of entries) {
      let k = this.known.get(key);
      if (k === undefined || k.slots.length !== slots.length || k.slots.some((s, i) => s !== slots[i])) {
        k = { slots: [...slots], cols: this.columns(slots) };
        this.known.set(key, k);
      }
      this.table.set(key, k.cols);
    }
  }

  /**
   * Views of a feature's slots; an output without a slot (-1: no play of the task reads it) is a hole,
   * so that a read of it fails loudly instead of seeing another feature's values.
   */
  private columns(slots: readonly number[]): Float64Array[] {
    const cols: Float64Array[] = [];
    slots.forEach((slot, o) => {
      if (slot >= 0) cols[o] = this.views!.columns([slot])[0];
    });
    return cols;
  }

  get(key: string): Float64Array[] | undefined {
    const v = this.table.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    return this.local.get(key);
  }

  set(key: string, value: Float64Array[]): void {
    if (!key.startsWith('feed|')) this.localComputes++;
    this.local.set(key, value);
  }

  get misses(): number {
    return this.localComputes;
  }

  get byteSize(): number {
    return this.local.byteSize;
  }
}
