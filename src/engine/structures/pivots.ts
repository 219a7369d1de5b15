import type { ParamDef } from '../types.js';

// Shared kernel of the pivot-based structures (swing, zones, market_structure). Not a structure itself.
//
// A pivot high at bar p: high[p] is strictly above each of the `left` highs before it and at least each of
// the `right` highs after it (strict on the left, so a flat top yields one pivot, at its first bar). Pivot
// lows mirror this. A pivot at p is only knowable once bar p + right has closed, so consumers must not use
// it before bar p + right: `pivotLists` lists pivots by their own bar p and the callers act at bar p + right.
// A NaN high or low anywhere in [p - left, p + right] means "not a pivot", never a guess across missing data.

export const PIVOT_PARAMS: readonly ParamDef[] = [
  { name: 'left', kind: 'int', default: 5, min: 1, max: 100, description: 'bars before the pivot that must be lower (higher for lows)' },
  { name: 'right', kind: 'int', default: 5, min: 1, max: 100, description: 'bars after the pivot; the pivot is confirmed and visible only this many bars later' },
];

/** Pivot bars in increasing order: `bars[0 .. count)`. */
export interface PivotList {
  bars: Int32Array;
  count: number;
}

/**
 * The pivot highs and lows of a series, as lists of their own bars p (each usable from bar p + right on).
 * Equivalent to flagging each bar by the definition above; consumers walk the lists instead of testing a
 * flag every bar, so between two confirmations their outputs are plain fills.
 *
 * Each bar is tested directly against its window with early exits, right side first. On market data
 * most bars fail within a comparison or two, and a bar p that fails on its right at bar p + k (k <= right)
 * also rules out every bar q in (p, p + k): v[q] <= v[p] < v[p + k], and p + k is within q's right window,
 * so the scan jumps to p + k. After a pivot at p the next min(left, right) bars cannot be one (see
 * `pivotCapacity`), so the scan jumps past them. O(n * (left + right)) at worst (a long monotone run),
 * about two comparisons per bar on market data. A NaN in the series itself fails a comparison, which
 * only ever rejects; a NaN in the other series (a low for a pivot high) is found by one forward scan of
 * that series, advanced only as far as the latest candidate's window.
 */
export function pivotLists(high: Float64Array, low: Float64Array, left: number, right: number): { highs: PivotList; lows: PivotList } {
  const cap = pivotCapacity(high.length, left, right);
  const highs = { bars: new Int32Array(cap), count: 0 };
  const lows = { bars: new Int32Array(cap), count: 0 };
  highs.count = scanPivots(high, low, left, right, 1, highs.bars);
  lows.count = scanPivots(low, high, left, right, -1, lows.bars);
  return { highs, lows };
}

/**
 * Most pivots of one kind in n bars: two pivot highs d <= min(left, right) bars apart would each have to be
 * above the other (the later is in the earlier's right window, the earlier in the later's left window).
 */
const pivotCapacity = (n: number, left: number, right: number): number => (n > 0 ? Math.floor((n - 1) / (Math.min(left, right) + 1)) + 1 : 0);

/**
 * Pivot highs of v (sign 1: v[p] > each of the `left` before, >= each of the `right` after) or pivot lows
 * (sign -1, mirrored) into `bars`; returns the count. A pivot also needs no NaN in other[p - left .. p + right].
 * One loop for both kinds, the comparison flipped by negating both sides (exact: negation only flips the
 * sign bit, and -NaN is NaN, so every comparison has the same outcome as the mirrored one).
 */
function scanPivots(v: Float64Array, other: Float64Array, left: number, right: number, sign: 1 | -1, bars: Int32Array): number {
  const end = v.length - right;
  const gap = Math.min(left, right) + 1;
  let count = 0;
  let scanned = 0; // other[0 .. scanned) has been checked for NaN
  let lastNaN = -1 - left; // latest NaN in other[0 .. scanned), or below any window
  let p = left;
  while (p < end) {
    const x = sign * v[p];
    let k = 1;
    while (k <= right && x >= sign * v[p + k]) k++;
    if (k <= right) {
      p += k; // v[p + k] beats p and every bar between (they are <= v[p])
      continue;
    }
    let j = 1;
    while (j <= left && x > sign * v[p - j]) j++;
    if (j <= left) {
      p++;
      continue;
    }
    for (const to = p + right; scanned <= to; scanned++) if (other[scanned] !== other[scanned]) lastNaN = scanned;
    if (lastNaN < p - left) {
      bars[count++] = p;
      p += gap;
    } else p++;
  }
  return count;
}

/** Whole-number parameter, so a float gene cannot make a window of 2.5 bars. */
export const intParam = (v: number): number => Math.max(1, Math.round(v));
