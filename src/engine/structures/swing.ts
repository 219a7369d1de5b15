import { outputArrays } from '../indicators/outputs.js';
import type { FeatureDef } from '../types.js';
import { PIVOT_PARAMS, type PivotList, intParam, pivotLists } from './pivots.js';

/** Earliest bar a swing can be visible: a pivot needs `left` bars before it and is confirmed `right` bars after. */
export const swingWarmup = (left: number, right: number): number => left + right;

export interface SwingOutputs {
  lastHigh: Float64Array;
  lastLow: Float64Array;
  highAge: Float64Array;
  lowAge: Float64Array;
  prevHigh: Float64Array;
  prevLow: Float64Array;
}

/**
 * Confirmed swing highs and lows. At bar i only pivots at bars p <= i - right are known, so every output
 * at i is built from bars <= i. last_* is the price of the most recent confirmed pivot, prev_* the one
 * before it, *_age the bars from that pivot to i (always >= right). NaN until such a pivot exists.
 */
export function swing(high: Float64Array, low: Float64Array, left: number, right: number): SwingOutputs {
  const [lastHigh, lastLow, highAge, lowAge, prevHigh, prevLow] = swingInto(
    high,
    low,
    left,
    right,
    outputArrays(undefined, 6, high.length),
  );
  return { lastHigh, lastLow, highAge, lowAge, prevHigh, prevLow };
}

/** swing() into `out` = [last_high, last_low, high_age, low_age, prev_high, prev_low], every element written. */
export function swingInto(
  high: Float64Array,
  low: Float64Array,
  left: number,
  right: number,
  out: Float64Array[],
): Float64Array[] {
  const { highs, lows } = pivotLists(high, low, left, right);
  const [lastHigh, lastLow, highAge, lowAge, prevHigh, prevLow] = out;
  fillSwings(high, highs, right, lastHigh, prevHigh, highAge);
  fillSwings(low, lows, right, lastLow, prevLow, lowAge);
  return out;
}

/**
 * One side's outputs from its pivot list. Between two confirmations (pivot p is confirmed at bar
 * p + right) the last and previous prices are constant and the age counts up, so each stretch is a
 * plain fill with no per-bar test; the highs' and lows' outputs do not depend on each other.
 */
function fillSwings(
  v: Float64Array,
  pivots: PivotList,
  right: number,
  last: Float64Array,
  prev: Float64Array,
  age: Float64Array,
): void {
  const n = v.length;
  let lv = NaN;
  let pv = NaN;
  let at = -1; // bar of the last pivot; -1 before the first
  let i = 0;
  for (let k = 0; k <= pivots.count; k++) {
    const until = k < pivots.count ? pivots.bars[k] + right : n;
    if (at < 0) for (; i < until; i++) last[i] = prev[i] = age[i] = NaN;
    else
      for (; i < until; i++) {
        last[i] = lv;
        prev[i] = pv;
        age[i] = i - at;
      }
    if (k < pivots.count) {
      at = pivots.bars[k];
      pv = lv;
      lv = v[at];
    }
  }
}

export const SWING: FeatureDef = {
  name: 'swing',
  kind: 'structure',
  description:
    'Confirmed swing highs/lows (pivots with `left` bars before and `right` after, visible only `right` bars later). ' +
    'warmup is the earliest possible first value; on real data the ' +
    'first pivot may come later, so NaN may last beyond it.',
  params: PIVOT_PARAMS,
  outputs: ['last_high', 'last_low', 'high_age', 'low_age', 'prev_high', 'prev_low'],
  warmup: (p) => swingWarmup(intParam(p.left), intParam(p.right)),
  compute: (feed, p, _source, out) =>
    swingInto(feed.high, feed.low, intParam(p.left), intParam(p.right), outputArrays(out, 6, feed.length)),
};
