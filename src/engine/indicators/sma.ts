import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';

export const smaWarmup = (period: number): number => period - 1;

/**
 * Simple moving average: the mean of the last `period` values, into `out` (every element written; NaN
 * before bar period - 1). Equivalent to pandas `Series.rolling(period).mean()` and technicalindicators'
 * SMA. A NaN input poisons every window that contains it (no silent skipping). `out` must not be `values`.
 */
export function sma(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  let sum = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) nanCount++;
    else sum += v;
    if (i >= period) {
      const old = values[i - period];
      if (old !== old) nanCount--;
      else sum -= old;
    }
    out[i] = i >= period - 1 && nanCount === 0 ? sum / period : NaN;
  }
  return out;
}

export const SMA: FeatureDef = sourceIndicator({
  name: 'sma',
  description: 'Simple moving average',
  period: { default: 20, min: 1, max: 1000 },
  warmup: smaWarmup,
  kernel: sma,
});
