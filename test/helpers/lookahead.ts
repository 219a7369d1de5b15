import seedrandom from 'seedrandom';
import type { Feed } from '../../src/engine/types.js';

/**
 * A copy of `feed` whose bars after `i` are replaced by a different, internally consistent random walk
 * (low <= open, close <= high, positive volume; same bar times). Bars 0..i are copied unchanged.
 * The new walk starts away from close[i] and is wilder than the original, so any output that peeks
 * ahead (pivots, ranks, volatility, resampled buckets) sees a different future.
 */
export function perturbAfter(feed: Feed, i: number, seed: string): Feed {
  const rng = seedrandom(seed);
  const n = feed.length;
  const copy = (a: Float64Array): Float64Array => Float64Array.from(a);
  const open = copy(feed.open);
  const high = copy(feed.high);
  const low = copy(feed.low);
  const close = copy(feed.close);
  const volume = copy(feed.volume);
  let price = (feed.close[i] || 100) * (rng() < 0.5 ? 0.8 : 1.25);
  for (let j = i + 1; j < n; j++) {
    const o = price;
    const c = o * Math.exp((rng() - 0.5) * 0.12);
    open[j] = o;
    close[j] = c;
    high[j] = Math.max(o, c) * (1 + rng() * 0.03);
    low[j] = Math.min(o, c) * (1 - rng() * 0.03);
    volume[j] = 50 + rng() * 50_000;
    price = c;
  }
  return { tf: feed.tf, tfMs: feed.tfMs, time: feed.time, open, high, low, close, volume, length: n };
}

const sameNumber = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

/**
 * No lookahead: for each i in `points`, recomputing on a feed whose bars after i are different must leave
 * every output at bars 0..i identical (NaN equal to NaN, otherwise bit-for-bit ===). Throws an Error naming
 * the output, bar and both values on the first difference. Also checks every output has feed.length values.
 */
export function assertNoLookahead(
  compute: (feed: Feed) => Float64Array[],
  feed: Feed,
  points: readonly number[],
  label = 'feature',
): void {
  const base = compute(feed);
  base.forEach((out, o) => {
    if (out.length !== feed.length)
      throw new Error(`${label}: output ${o} has ${out.length} values for ${feed.length} bars`);
  });
  for (const i of points) {
    if (!Number.isInteger(i) || i < 0 || i >= feed.length - 1)
      throw new Error(`${label}: point ${i} must leave at least one bar after it`);
    const changed = compute(perturbAfter(feed, i, `lookahead:${label}:${i}`));
    if (changed.length !== base.length)
      throw new Error(`${label}: ${changed.length} outputs after perturbing, ${base.length} before`);
    for (let o = 0; o < base.length; o++) {
      const a = base[o];
      const b = changed[o];
      for (let j = 0; j <= i; j++) {
        if (!sameNumber(a[j], b[j])) {
          throw new Error(
            `${label}: output ${o} at bar ${j} changed from ${a[j]} to ${b[j]} when only bars after ${i} changed (lookahead)`,
          );
        }
      }
    }
  }
}
