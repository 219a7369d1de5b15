import type { FeatureDef } from '../types.js';
import { intParam } from './pivots.js';

/** Realised vol first exists at bar `window` (it needs `window` returns); the percentile needs `lookback` of them. */
export const volRegimeWarmup = (window: number, lookback: number): number => window + lookback - 1;

export interface VolRegimeOutputs {
  regime: Float64Array;
  percentile: Float64Array;
  vol: Float64Array;
}

/**
 * Volatility regime. vol[i] = sample standard deviation of the last `window` log returns of close, in
 * percent per bar. percentile[i] = 100 * (average 1-based rank of vol[i] among the last `lookback` vol
 * values, bar i's included) / lookback, as pandas `rolling(lookback).rank(pct=True)`: 100 for a new high,
 * 100 / lookback for a new low, about 50 when all are equal. regime = 2 (high) when percentile >= `high`, else 0 (low) when
 * percentile <= `low`, else 1 (normal). Any NaN in a window makes that bar NaN.
 *
 * The rolling rank keeps the window sorted: O(n log L) comparisons and O(n L) contiguous moves, which for
 * the lookbacks a play uses (tens to hundreds) is faster than a global-rank Fenwick tree.
 */
export function volRegime(close: Float64Array, window: number, lookback: number, low: number, high: number): VolRegimeOutputs {
  const n = close.length;
  const vol = new Float64Array(n).fill(NaN);
  let sum = 0;
  let sumSq = 0;
  let nan = 0;
  const ret = new Float64Array(n); // log returns, each computed once: the window adds and later removes it
  for (let i = 1; i < n; i++) ret[i] = Math.log(close[i] / close[i - 1]);
  for (let i = 1; i < n; i++) {
    const r = ret[i];
    if (r !== r) nan++;
    else {
      sum += r;
      sumSq += r * r;
    }
    if (i > window) {
      const old = ret[i - window];
      if (old !== old) nan--;
      else {
        sum -= old;
        sumSq -= old * old;
      }
    }
    if (i >= window && nan === 0) {
      const variance = window > 1 ? Math.max(0, (sumSq - (sum * sum) / window) / (window - 1)) : 0;
      vol[i] = Math.sqrt(variance) * 100;
    }
  }

  // The last `lookback` non-NaN vol values kept sorted (a small array, cache-resident): each bar removes the
  // value leaving the window, inserts the new one, and reads "how many below / equal" by binary search.
  // O(n log L) searches plus O(L) shifts of contiguous memory; exact, and only past values ever enter.
  const win = new Float64Array(lookback);
  let size = 0;
  let nanInWindow = 0;
  const regime = new Float64Array(n).fill(NaN);
  const percentile = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    // The value leaving the window (if any, and not NaN) is at `out`; the new one is swapped in with a
    // single shift of the entries between the two positions.
    let out = -1;
    if (i >= lookback) {
      const old = vol[i - lookback];
      if (old !== old) nanInWindow--;
      else out = lowerBound(win, size, old);
    }
    const v = vol[i];
    if (v !== v) {
      nanInWindow++;
      if (out >= 0) {
        size--;
        for (let k = out; k < size; k++) win[k] = win[k + 1];
      }
      continue;
    }
    let at = upperBound(win, size, v); // after any equal values
    if (out < 0) {
      for (let k = size; k > at; k--) win[k] = win[k - 1];
      size++;
    } else if (out < at) {
      at--;
      for (let k = out; k < at; k++) win[k] = win[k + 1];
    } else {
      for (let k = out; k > at; k--) win[k] = win[k - 1];
    }
    win[at] = v;
    if (i >= lookback - 1 && nanInWindow === 0) {
      let less = at;
      while (less > 0 && win[less - 1] === v) less--;
      const equal = at - less + 1; // bar i itself included
      const pct = (100 * (less + (equal + 1) / 2)) / lookback;
      percentile[i] = pct;
      regime[i] = pct >= high ? 2 : pct <= low ? 0 : 1;
    }
  }
  return { regime, percentile, vol };
}

/** Number of leading entries of ascending sorted[0..size) that are < v. */
function lowerBound(sorted: Float64Array, size: number, v: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of leading entries of ascending sorted[0..size) that are <= v. */
function upperBound(sorted: Float64Array, size: number, v: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const VOL_REGIME: FeatureDef = {
  name: 'vol_regime',
  kind: 'structure',
  description:
    'Volatility regime: realised vol (stdev of `window` log returns, % per bar) ranked against its last `lookback` ' +
    'values; regime 0 low (percentile <= low), 1 normal, 2 high (percentile >= high), plus the percentile and the vol. ' +
    'warmup = window + lookback - 1, exact on gap-free input.',
  params: [
    { name: 'window', kind: 'int', default: 20, min: 2, max: 500, description: 'returns in each realised-vol estimate' },
    { name: 'lookback', kind: 'int', default: 100, min: 2, max: 1000, description: 'vol values the percentile ranks against' },
    { name: 'low', kind: 'float', default: 25, min: 0, max: 100, description: 'percentile at or below which the regime is low (0)' },
    { name: 'high', kind: 'float', default: 75, min: 0, max: 100, description: 'percentile at or above which the regime is high (2)' },
  ],
  outputs: ['regime', 'percentile', 'vol'],
  warmup: (p) => volRegimeWarmup(intParam(p.window), intParam(p.lookback)),
  compute: (feed, p) => {
    const r = volRegime(feed.close, intParam(p.window), intParam(p.lookback), p.low, p.high);
    return [r.regime, r.percentile, r.vol];
  },
};
