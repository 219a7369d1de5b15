import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { emaStack } from './ema-stack.js';

export const temaWarmup = (period: number): number => 3 * (period - 1);

/**
 * Triple EMA: 3 * E1 - 3 * E2 + E3 with E2 = EMA(E1), E3 = EMA(E2), each seeded (SMA) on the first
 * `period` defined values of the previous one. Equivalent to TA-Lib TEMA (lookback 3 * (period - 1));
 * technicalindicators has no TEMA (tests compose its EMA). A NaN poisons everything after it. One pass
 * (ema-stack.ts), no intermediate series stored.
 */
export function tema(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  return emaStack(values, period, 3, out);
}

export const TEMA: FeatureDef = sourceIndicator({
  name: 'tema',
  description: 'Triple exponential moving average (Mulloy)',
  period: { default: 20, min: 2, max: 300 },
  warmup: temaWarmup,
  kernel: tema,
});
