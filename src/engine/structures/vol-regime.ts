import { outputArrays } from '../indicators/outputs.js';
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
 * 100 / lookback for a new low, about 50 when all are equal. regime = 2 (high) when percentile >= `high`,
 * else 0 (low) when percentile <= `low`, else 1 (normal). Any NaN in a window makes that bar NaN.
 *
 * The rolling rank keeps the window's values as a sorted doubly linked list (one node per window slot,
 * scratch of O(lookback)). Removing the value that leaves is O(1); the new value is placed by walking
 * from the previous bar's node, whose rank is known. Realised vol moves slowly, so the walk is short
 * (about 10 nodes per bar for window 96, lookback 960 on 15m data), where a sorted array shifts about
 * lookback / 3 entries per bar. Exact (only comparisons), and only values already in the window are read.
 */
export function volRegime(
  close: Float64Array,
  window: number,
  lookback: number,
  low: number,
  high: number,
): VolRegimeOutputs {
  const [regime, percentile, vol] = volRegimeInto(
    close,
    window,
    lookback,
    low,
    high,
    outputArrays(undefined, 3, close.length),
  );
  return { regime, percentile, vol };
}

/** volRegime() into `out` = [regime, percentile, vol], every element written. */
export function volRegimeInto(
  close: Float64Array,
  window: number,
  lookback: number,
  low: number,
  high: number,
  out: Float64Array[],
): Float64Array[] {
  const n = close.length;
  const [regime, percentile, vol] = out;
  realisedVol(close, window, vol, percentile); // percentile: scratch for the returns until the rank pass

  // Nodes 0..lookback-1 are window slots (bar i lives in slot i % lookback); HEAD (-Infinity) and TAIL
  // (+Infinity) are sentinels that end every walk: vol is finite or NaN (an infinite return makes the
  // running sums Inf - Inf = NaN), so no value compares past them. Equal values sit in insertion order
  // (a new value goes after every value <= it), so an older value equal to the newest node's lies before it.
  const HEAD = lookback;
  const TAIL = lookback + 1;
  const next = new Int32Array(lookback + 2);
  const prev = new Int32Array(lookback + 2);
  const val = new Float64Array(lookback + 2);
  val[HEAD] = -Infinity;
  val[TAIL] = Infinity;
  next[HEAD] = TAIL;
  prev[TAIL] = HEAD;
  let newest = HEAD; // node of the latest value inserted (the newest non-NaN in the window); HEAD when empty
  let rank = -1; // nodes before `newest` in sorted order
  let nanInWindow = 0;
  let slot = 0; // i % lookback
  for (let i = 0; i < n; i++, slot = slot + 1 === lookback ? 0 : slot + 1) {
    if (i >= lookback) {
      // Bar i - lookback leaves; it shares its slot with bar i.
      const old = vol[i - lookback];
      if (old !== old) nanInWindow--;
      else {
        if (slot === newest) {
          newest = HEAD; // it was the only value left
          rank = -1;
        } else if (old <= val[newest]) rank--;
        const a = prev[slot];
        const b = next[slot];
        next[a] = b;
        prev[b] = a;
      }
    }
    const v = vol[i];
    if (v !== v) {
      nanInWindow++;
      regime[i] = NaN;
      percentile[i] = NaN;
      continue;
    }
    let after: number; // the node the new one follows
    let pos: number; // its rank once inserted = values <= v already in the window
    if (v >= val[newest]) {
      after = newest;
      pos = rank + 1;
      let nx = next[after];
      while (val[nx] <= v) {
        after = nx;
        nx = next[nx];
        pos++;
      }
    } else {
      pos = rank;
      after = prev[newest];
      while (val[after] > v) {
        after = prev[after];
        pos--;
      }
    }
    val[slot] = v;
    const b = next[after];
    next[slot] = b;
    prev[slot] = after;
    prev[b] = slot;
    next[after] = slot;
    newest = slot;
    rank = pos;
    if (i >= lookback - 1 && nanInWindow === 0) {
      let less = pos;
      for (let q = prev[slot]; val[q] === v; q = prev[q]) less--;
      const equal = pos - less + 1; // bar i itself included
      const pct = (100 * (less + (equal + 1) / 2)) / lookback;
      percentile[i] = pct;
      regime[i] = pct >= high ? 2 : pct <= low ? 0 : 1;
    } else {
      regime[i] = NaN;
      percentile[i] = NaN;
    }
  }
  return out;
}

/**
 * Sample stdev of the last `window` log returns, in percent; NaN until bar `window` and while a NaN return
 * is in the window. Running sums: return i is added at bar i and subtracted at bar i + window.
 *
 * Two passes: the returns first, into `rets` (a caller's n-sized array, here the percentile output, which
 * the rank pass overwrites bar by bar after reading vol only), then the sums. Math.log is a call into
 * V8's C library, and every double register is caller-saved, so a loop holding the running sums around
 * that call spills and reloads them each bar; alone, the log loop is just the call, and the sums loop has
 * no call, so its divisions and square roots overlap. Same operations in the same order as one pass
 * (add return i, then subtract return i - window), so the same bits.
 */
function realisedVol(close: Float64Array, window: number, vol: Float64Array, rets: Float64Array): void {
  const n = close.length;
  if (n > 0) vol[0] = NaN;
  for (let i = 1; i < n; i++) rets[i] = Math.log(close[i] / close[i - 1]);
  let sum = 0;
  let sumSq = 0;
  let nan = 0;
  const head = n < window ? n : window;
  for (let i = 1; i < head; i++) {
    const r = rets[i];
    if (r !== r) nan++;
    else {
      sum += r;
      sumSq += r * r;
    }
    vol[i] = NaN;
  }
  for (let i = window; i < n; i++) {
    const r = rets[i];
    if (r !== r) nan++;
    else {
      sum += r;
      sumSq += r * r;
    }
    if (i > window) {
      const old = rets[i - window];
      if (old !== old) nan--;
      else {
        sum -= old;
        sumSq -= old * old;
      }
    }
    if (nan === 0) {
      const variance = window > 1 ? Math.max(0, (sumSq - (sum * sum) / window) / (window - 1)) : 0;
      vol[i] = Math.sqrt(variance) * 100;
    } else vol[i] = NaN;
  }
}

export const VOL_REGIME: FeatureDef = {
  name: 'vol_regime',
  kind: 'structure',
  description:
    'Volatility regime: realised vol (stdev of `window` log returns, % per bar) ranked against its last `lookback` ' +
    'values; regime 0 low (percentile <= low), 1 normal, 2 high ' +
    '(percentile >= high), plus the percentile and the vol. ' +
    'warmup = window + lookback - 1, exact on gap-free input.',
  params: [
    {
      name: 'window',
      kind: 'int',
      default: 20,
      min: 2,
      max: 500,
      description: 'returns in each realised-vol estimate',
    },
    {
      name: 'lookback',
      kind: 'int',
      default: 100,
      min: 2,
      max: 1000,
      description: 'vol values the percentile ranks against',
    },
    {
      name: 'low',
      kind: 'float',
      default: 25,
      min: 0,
      max: 100,
      description: 'percentile at or below which the regime is low (0)',
    },
    {
      name: 'high',
      kind: 'float',
      default: 75,
      min: 0,
      max: 100,
      description: 'percentile at or above which the regime is high (2)',
    },
  ],
  outputs: ['regime', 'percentile', 'vol'],
  warmup: (p) => volRegimeWarmup(intParam(p.window), intParam(p.lookback)),
  compute: (feed, p, _source, out) =>
    volRegimeInto(
      feed.close,
      intParam(p.window),
      intParam(p.lookback),
      p.low,
      p.high,
      outputArrays(out, 3, feed.length),
    ),
};
