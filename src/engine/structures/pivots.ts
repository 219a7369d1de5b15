import type { ParamDef } from '../types.js';

// Shared kernel of the pivot-based structures (swing, zones, market_structure). Not a structure itself.
//
// A pivot high at bar p: high[p] is strictly above each of the `left` highs before it and at least each of
// the `right` highs after it (strict on the left, so a flat top yields one pivot, at its first bar). Pivot
// lows mirror this. A pivot at p is only knowable once bar p + right has closed, so consumers must not use
// it before bar p + right: `pivotLists` lists pivots by their own bar p and the callers act at bar p + right.
// A NaN high or low anywhere in [p - left, p + right] means "not a pivot", never a guess across missing data.

export const PIVOT_PARAMS: readonly ParamDef[] = [
  {
    name: 'left',
    kind: 'int',
    default: 5,
    min: 1,
    max: 100,
    description: 'bars before the pivot that must be lower (higher for lows)',
  },
  {
    name: 'right',
    kind: 'int',
    default: 5,
    min: 1,
    max: 100,
    description: 'bars after the pivot; the pivot is confirmed and visible only this many bars later',
  },
];

/** Pivot bars in increasing order: `bars[0 .. count)`. */
export interface PivotList {
  bars: Int32Array;
  count: number;
}

/**
 * The pivot highs and lows of a series, as lists of their own bars p (each usable from bar p + right on).
 * Equivalent to testing every bar against the definition above; consumers walk the lists instead of
 * testing a flag every bar, so between two confirmations their outputs are plain fills.
 *
 * Two stages. First a branch-free pass marks the candidates, the bars beyond both neighbours (a pivot
 * needs that, and about one bar in four has it), as bit masks of 32 bars per word, and notes whether any
 * high or low is NaN. Then only the candidates are tested against their whole window, with early exits.
 * Testing every bar with early exits costs a mispredicted branch or two per bar on market data (whether
 * the next bar is higher is a coin flip); the mask pass has no data-dependent branch, and the tests that
 * remain are a quarter as many. A NaN in the series itself fails a comparison, which only ever rejects; a
 * NaN in the other series (a low, for a pivot high) is looked for in the window only if the feed has one.
 */
export function pivotLists(
  high: Float64Array,
  low: Float64Array,
  left: number,
  right: number,
): { highs: PivotList; lows: PivotList } {
  const n = high.length;
  const cap = pivotCapacity(n, left, right);
  const highs = { bars: new Int32Array(cap), count: 0 };
  const lows = { bars: new Int32Array(cap), count: 0 };
  const span = n - left - right; // bars left .. n - right - 1 can be pivots
  const words = span > 0 ? (span + 31) >> 5 : 0;
  const highWords = new Int32Array(words);
  const lowWords = new Int32Array(words);
  const anyNaN = markCandidates(high, low, left, right, highWords, lowWords);
  highs.count = confirmHighs(high, low, left, right, highWords, anyNaN, highs.bars);
  lows.count = confirmLows(high, low, left, right, lowWords, anyNaN, lows.bars);
  return { highs, lows };
}

/**
 * Most pivots of one kind in n bars: two pivot highs d <= min(left, right) bars apart would each have to be
 * above the other (the later is in the earlier's right window, the earlier in the later's left window).
 */
const pivotCapacity = (n: number, left: number, right: number): number =>
  n > 0 ? Math.floor((n - 1) / (Math.min(left, right) + 1)) + 1 : 0;

/**
 * Bit b of word q is bar p = left + 32q + b: in highWords when high[p] > high[p - 1] and high[p] >= high[p + 1],
 * in lowWords when low[p] < low[p - 1] and low[p] <= low[p + 1] (NaN fails both). Comparisons become 0/1
 * without a branch (`+` of a boolean). Returns whether any high or low in the scanned range is NaN.
 */
function markCandidates(
  high: Float64Array,
  low: Float64Array,
  left: number,
  right: number,
  highWords: Int32Array,
  lowWords: Int32Array,
): boolean {
  const end = high.length - right;
  let nan = 0;
  for (let base = left, q = 0; base < end; base += 32, q++) {
    const stop = base + 32 < end ? base + 32 : end;
    let h = 0;
    let l = 0;
    for (let p = base; p < stop; p++) {
      const x = high[p];
      const y = low[p];
      const bit = p - base;
      h |= (+(x >= high[p + 1]) & +(x > high[p - 1])) << bit;
      l |= (+(y <= low[p + 1]) & +(y < low[p - 1])) << bit;
      nan |= +(x !== x) | +(y !== y);
    }
    highWords[q] = h;
    lowWords[q] = l;
  }
  // Bars outside left .. end - 1 are never pivots, but a NaN there can still lie in a pivot's window.
  for (let p = 0; p < left && p < high.length; p++) nan |= +(high[p] !== high[p]) | +(low[p] !== low[p]);
  for (let p = end > left ? end : left; p < high.length; p++) nan |= +(high[p] !== high[p]) | +(low[p] !== low[p]);
  return nan !== 0;
}

/**
 * The candidates of `words` that beat their whole window:
 * high[p] > each of the `left` before, >= each of the `right` after.
 */
function confirmHighs(
  high: Float64Array,
  low: Float64Array,
  left: number,
  right: number,
  words: Int32Array,
  anyNaN: boolean,
  bars: Int32Array,
): number {
  let count = 0;
  for (let q = 0; q < words.length; q++) {
    const base = left + 32 * q;
    for (let w = words[q]; w !== 0; w &= w - 1) {
      const p = base + 31 - Math.clz32(w & -w); // lowest set bit
      const x = high[p];
      let k = 2; // the neighbours passed in markCandidates
      while (k <= right && x >= high[p + k]) k++;
      if (k <= right) continue;
      let j = 2;
      while (j <= left && x > high[p - j]) j++;
      if (j <= left || (anyNaN && nanIn(high, low, p - left, p + right))) continue;
      bars[count++] = p;
    }
  }
  return count;
}

/** Mirror of confirmHighs: low[p] < each of the `left` lows before, <= each of the `right` after. */
function confirmLows(
  high: Float64Array,
  low: Float64Array,
  left: number,
  right: number,
  words: Int32Array,
  anyNaN: boolean,
  bars: Int32Array,
): number {
  let count = 0;
  for (let q = 0; q < words.length; q++) {
    const base = left + 32 * q;
    for (let w = words[q]; w !== 0; w &= w - 1) {
      const p = base + 31 - Math.clz32(w & -w);
      const x = low[p];
      let k = 2;
      while (k <= right && x <= low[p + k]) k++;
      if (k <= right) continue;
      let j = 2;
      while (j <= left && x < low[p - j]) j++;
      if (j <= left || (anyNaN && nanIn(high, low, p - left, p + right))) continue;
      bars[count++] = p;
    }
  }
  return count;
}

/** Whether any high or low in bars a .. b is NaN: no pivot is guessed across missing data. */
function nanIn(high: Float64Array, low: Float64Array, a: number, b: number): boolean {
  for (let q = a; q <= b; q++) if (high[q] !== high[q] || low[q] !== low[q]) return true;
  return false;
}

/** Whole-number parameter, so a float gene cannot make a window of 2.5 bars. */
export const intParam = (v: number): number => Math.max(1, Math.round(v));
