import type { FeatureCache } from '../../engine/play/index.js';

/**
 * A worker's feature cache with a byte budget: individuals that share an EMA(20) compute it once,
 * and the least recently used arrays go when the budget is full (a long search touches far more
 * distinct features than fit in memory). Counts hits and misses for the run's report.
 */
export class LruFeatureCache implements FeatureCache {
  private readonly map = new Map<string, Float64Array[]>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly budgetBytes: number) {}

  get(key: string): Float64Array[] | undefined {
    const v = this.map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key); // re-insert: Map order is the recency order
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: Float64Array[]): void {
    const size = value.reduce((s, a) => s + a.byteLength, 0);
    const old = this.map.get(key);
    if (old !== undefined) {
      this.bytes -= old.reduce((s, a) => s + a.byteLength, 0);
      this.map.delete(key);
    }
    this.map.set(key, value);
    this.bytes += size;
    for (const [k, v] of this.map) {
      if (this.bytes <= this.budgetBytes || k === key) break;
      this.map.delete(k);
      this.bytes -= v.reduce((s, a) => s + a.byteLength, 0);
    }
  }

  get size(): number {
    return this.map.size;
  }

  get byteSize(): number {
    return this.bytes;
  }
}
