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
 * One monotonic-stack pass per series gives, for every bar, the previous bar at least as high and the next
 * bar strictly higher; a pivot high is a bar whose previous ">=" bar is more than `left` back and whose next
 * ">" bar is more than `right` ahead. O(n) whatever left and right are. NaN bars are handled by an explicit
 * "no NaN in [p - left, p + right]" check; the stack's answers can only be off for windows holding a NaN.
 */
export function pivotFlags(high: Float64Array, low: Float64Array, left: number, right: number): { isHigh: Uint8Array; isLow: Uint8Array } {
  const n = high.length;
  const isHigh = new Uint8Array(n);
  const isLow = new Uint8Array(n);
  const prev = new Int32Array(n);
  const stack = new Int32Array(n);
  markPivots(high, left, right, true, isHigh, prev, stack);
  markPivots(low, left, right, false, isLow, prev, stack);
  if (hasNaN(high) || hasNaN(low)) clearNearNaN(high, low, left, right, isHigh, isLow);
  return { isHigh, isLow };
}

/**
 * For highs (`isMax`): prev[p] = last q < p with v[q] >= v[p]; when a later bar r pops p, v[r] > v[p] is
 * the next strictly higher bar. Lows mirror with the comparisons reversed. `prev`, `stack` are scratch.
 */
function markPivots(v: Float64Array, left: number, right: number, isMax: boolean, flags: Uint8Array, prev: Int32Array, stack: Int32Array): void {
  const n = v.length;
  let top = 0;
  for (let r = 0; r < n; r++) {
    const x = v[r];
    if (isMax) {
      while (top > 0 && v[stack[top - 1]] < x) {
        const p = stack[--top];
        if (r - p > right) maybeFlag(p, prev[p], left, right, n, flags);
      }
    } else {
      while (top > 0 && v[stack[top - 1]] > x) {
        const p = stack[--top];
        if (r - p > right) maybeFlag(p, prev[p], left, right, n, flags);
      }
    }
    prev[r] = top > 0 ? stack[top - 1] : -1;
    stack[top++] = r;
  }
  // Never beaten: the next ">" bar is beyond the end, so only the confirmation bar must exist.
  while (top > 0) {
    const p = stack[--top];
    maybeFlag(p, prev[p], left, right, n, flags);
  }
}

/** p is a pivot when its previous rival (`before`) is outside the left window and bar p + right exists. */
function maybeFlag(p: number, before: number, left: number, right: number, n: number, flags: Uint8Array): void {
  if (p >= left && p - before > left && p + right < n) flags[p] = 1;
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
