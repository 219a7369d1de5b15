import type { FeatureDef } from '../types.js';
import { rangePositionInto } from './rolling.js';

export const willrWarmup = (period: number): number => period - 1;

/**
 * Williams %R: -100 * (highest high - close) / (highest high - lowest low) over `period` bars
 * (current included), in [-100, 0]. Equivalent to technicalindicators' WilliamsR and TA-Lib WILLR.
 * O(n) monotonic-deque extremes. A flat window gives 0 as in TA-Lib (technicalindicators gives NaN).
 * A window holding a NaN yields NaN.
 */
export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  rangePositionInto(high, low, close, period, false, out);
  return out;
}

export const WILLR: FeatureDef = {
  name: 'willr',
  kind: 'indicator',
  description: 'Williams %R',
  params: [{ name: 'period', kind: 'int', default: 14, min: 2, max: 200 }],
  outputs: ['value'],
  warmup: (p) => willrWarmup(p.period),
  compute: (feed, p) => [willr(feed.high, feed.low, feed.close, p.period)],
};
