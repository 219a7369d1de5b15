import { outputArrays } from '../indicators/outputs.js';
import type { FeatureDef } from '../types.js';
import { PIVOT_PARAMS, intParam, pivotFlags } from './pivots.js';

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
  const [lastHigh, lastLow, highAge, lowAge, prevHigh, prevLow] = swingInto(high, low, left, right, outputArrays(undefined, 6, high.length));
  return { lastHigh, lastLow, highAge, lowAge, prevHigh, prevLow };
}

/** swing() into `out` = [last_high, last_low, high_age, low_age, prev_high, prev_low], every element written. */
export function swingInto(high: Float64Array, low: Float64Array, left: number, right: number, out: Float64Array[]): Float64Array[] {
  const n = high.length;
  const { isHigh, isLow } = pivotFlags(high, low, left, right);
  const [lastHigh, lastLow, highAge, lowAge, prevHigh, prevLow] = out;
  let lh = NaN;
  let ph = NaN;
  let lhAt = -1;
  let ll = NaN;
  let pl = NaN;
  let llAt = -1;
  for (let i = 0; i < n; i++) {
    const p = i - right; // the pivot bar confirmed by bar i's close
    if (p >= 0 && isHigh[p] === 1) {
      ph = lh;
      lh = high[p];
      lhAt = p;
    }
    if (p >= 0 && isLow[p] === 1) {
      pl = ll;
      ll = low[p];
      llAt = p;
    }
    lastHigh[i] = lh;
    prevHigh[i] = ph;
    highAge[i] = lhAt < 0 ? NaN : i - lhAt;
    lastLow[i] = ll;
    prevLow[i] = pl;
    lowAge[i] = llAt < 0 ? NaN : i - llAt;
  }
  return out;
}

export const SWING: FeatureDef = {
  name: 'swing',
  kind: 'structure',
  description:
    'Confirmed swing highs/lows (pivots with `left` bars before and `right` after, visible only `right` bars later). ' +
    'warmup is the earliest possible first value; on real data the first pivot may come later, so NaN may last beyond it.',
  params: PIVOT_PARAMS,
  outputs: ['last_high', 'last_low', 'high_age', 'low_age', 'prev_high', 'prev_low'],
  warmup: (p) => swingWarmup(intParam(p.left), intParam(p.right)),
  compute: (feed, p, _source, out) => swingInto(feed.high, feed.low, intParam(p.left), intParam(p.right), outputArrays(out, 6, feed.length)),
};
