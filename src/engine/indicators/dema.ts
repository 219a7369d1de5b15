import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { emaStack } from './ema-stack.js';

export const demaWarmup = (period: number): number => 2 * (period - 1);

/**
 * Double EMA: 2 * EMA(x) - EMA(EMA(x)), the inner EMA seeded (SMA) on the first `period` defined
 * values of the outer one. Equivalent to TA-Lib DEMA (same lookback 2 * (period - 1)); technicalindicators
 * has no DEMA (tests compose its EMA). A NaN poisons everything after it, as in EMA. One pass
 * (ema-stack.ts), no intermediate series stored.
 */
export function dema(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  return emaStack(values, period, 2, out);
}

export const DEMA: FeatureDef = sourceIndicator({
  name: 'dema',
  description: 'Double exponential moving average (Mulloy)',
  period: { default: 20, min: 2, max: 500 },
  warmup: demaWarmup,
  kernel: dema,
});
