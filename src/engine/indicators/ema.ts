import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { nanFill } from './outputs.js';

export const emaWarmup = (period: number): number => period - 1;

/**
 * EMA of values[start..] into out[start + period - 1 ..], seeded with the SMA of values[start ..
 * start + period - 1]; out before that is left untouched. `start` lets a caller smooth a series
 * that itself has a warm-up. A NaN poisons every later value (the recursion carries it), so a gap is
 * never smoothed over.
 */
export function emaInto(values: Float64Array, period: number, start: number, out: Float64Array): void {
  const n = values.length;
  if (n - start < period) return;
  const alpha = 2 / (period + 1);
  const beta = 1 - alpha;
  let seed = 0;
  for (let i = start; i < start + period; i++) seed += values[i];
  let prev = seed / period;
  out[start + period - 1] = prev;
  for (let i = start + period; i < n; i++) {
    prev = alpha * values[i] + beta * prev;
    out[i] = prev;
  }
}

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the SMA of the first
 * `period` values, into `out` (every element written). Equivalent to technicalindicators' EMA and
 * TA-Lib's EMA; NaN before the seed.
 */
export function ema(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  nanFill(out, 0, period - 1);
  emaInto(values, period, 0, out);
  return out;
}

export const EMA: FeatureDef = sourceIndicator({
  name: 'ema',
  description: 'Exponential moving average (SMA-seeded)',
  period: { default: 20, min: 1, max: 1000 },
  warmup: emaWarmup,
  kernel: ema,
});
