import type { FeatureDef } from '../types.js';
import { hlcIndicator } from './define.js';
import { nanFill } from './outputs.js';
import { rangePositionInto } from './rolling.js';

export const willrWarmup = (period: number): number => period - 1;

/**
 * Williams %R: -100 * (highest high - close) / (highest high - lowest low) over `period` bars
 * (current included), in [-100, 0]. Equivalent to technicalindicators' WilliamsR and TA-Lib WILLR.
 * O(n) block extremes (rolling.ts). A flat window gives 0 as in TA-Lib (technicalindicators gives NaN).
 * A window holding a NaN yields NaN.
 */
export function willr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  nanFill(out, 0, period - 1);
  rangePositionInto(high, low, close, period, false, out);
  return out;
}

export const WILLR: FeatureDef = hlcIndicator({
  name: 'willr',
  description: 'Williams %R',
  period: { default: 14, min: 2, max: 200 },
  warmup: willrWarmup,
  kernel: willr,
});
