import type { ParamDef } from '../types.js';

// Shared kernel of the pivot-based structures (swing, zones, market_structure). Not a structure itself.
//
// A pivot high at bar p: high[p] is strictly above each of the `left` highs before it and at least each of
// the `right` highs after it (strict on the left, so a flat top yields one pivot, at its first bar). Pivot
// lows mirror this. A pivot at p is only knowable once bar p + right has closed, so consumers must not use
// it before bar p + right: `pivotFlags` marks pivots at their own bar p and the callers walk i = p + right.
// A NaN high or low anywhere in [p - left, p + right] means "not a pivot", never a guess across missing data.

export const PIVOT_PARAMS: readonly ParamDef[] = [
  { name: 'left', kind: 'int', default: 5, min: 1, max: 100, description: 'bars before the pivot that must be lower (higher for lows)' },
  { name: 'right', kind: 'int', default: 5, min: 1, max: 100, description: 'bars after the pivot; the pivot is confirmed and visible only this many bars later' },
];

/**
 * Pivot flags at the pivot's own bar: isHigh[p] = 1 for a pivot high, isLow[p] = 1 for a pivot low.
 * Reading flag p is only allowed at bars i >= p + right (the flag depends on bars up to p + right).
 *
 * Each bar is tested directly against its window with early exits, right side first. On market data
 * most bars fail within a comparison or two, and a bar p that fails on its right at bar p + k (k <= right)
 * also rules out every bar q in (p, p + k): v[q] <= v[p] < v[p + k], and p + k is within q's right window,
 * so the scan jumps to p + k. No scratch arrays and few mispredicted branches; O(n * (left + right)) at
 * worst (a long monotone run), about two comparisons per bar on market data. NaN bars are handled by an explicit
 * "no NaN in [p - left, p + right]" pass; a comparison with NaN is false, which only ever rejects.
 */
export function pivotFlags(high: Float64Array, low: Float64Array, left: number, right: number): { isHigh: Uint8Array; isLow: Uint8Array } {
  const n = high.length;
  const isHigh = new Uint8Array(n);
  const isLow = new Uint8Array(n);
  markHighs(high, left, right, isHigh);
  markLows(low, left, right, isLow);
  if (hasNaN(high) || hasNaN(low)) clearNearNaN(high, low, left, right, isHigh, isLow);
  return { isHigh, isLow };
}

/** v[p] >= each of v[p + 1 .. p + right] and > each of v[p - left .. p - 1]. */
function markHighs(v: Float64Array, left: number, right: number, flags: Uint8Array): void {
  const end = v.length - right;
  let p = left;
  while (p < end) {
    const x = v[p];
    let k = 1;
    while (k <= right && x >= v[p + k]) k++;
    if (k <= right) {
      p += k; // v[p + k] beats p and every bar between (they are <= v[p])
      continue;
    }
    let j = 1;
    while (j <= left && x > v[p - j]) j++;
    if (j > left) flags[p] = 1;
    p++;
  }
}

/** Mirror of markHighs: v[p] <= each of the `right` bars after and < each of the `left` bars before. */
function markLows(v: Float64Array, left: number, right: number, flags: Uint8Array): void {
  const end = v.length - right;
  let p = left;
  while (p < end) {
    const x = v[p];
    let k = 1;
    while (k <= right && x <= v[p + k]) k++;
    if (k <= right) {
      p += k;
      continue;
    }
    let j = 1;
    while (j <= left && x < v[p - j]) j++;
    if (j > left) flags[p] = 1;
    p++;
  }
}

function hasNaN(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/** Unflag every pivot whose window [p - left, p + right] holds a NaN high or low: no guessing across missing data. O(n). */
function clearNearNaN(high: Float64Array, low: Float64Array, left: number, right: number, isHigh: Uint8Array, isLow: Uint8Array): void {
  const n = high.length;
  let lastNaN = -Infinity;
  for (let p = 0; p < n; p++) {
    if (high[p] !== high[p] || low[p] !== low[p]) lastNaN = p;
    if (p - lastNaN <= left) isHigh[p] = isLow[p] = 0;
  }
  let nextNaN = Infinity;
  for (let p = n - 1; p >= 0; p--) {
    if (high[p] !== high[p] || low[p] !== low[p]) nextNaN = p;
    if (nextNaN - p <= right) isHigh[p] = isLow[p] = 0;
  }
}

/** Whole-number parameter, so a float gene cannot make a window of 2.5 bars. */
export const intParam = (v: number): number => Math.max(1, Math.round(v));
