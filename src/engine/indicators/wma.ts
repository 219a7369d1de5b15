import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { nanFill } from './outputs.js';

export const wmaWarmup = (period: number): number => period - 1;

/**
 * Linearly weighted moving average of values[start..] into out[start + period - 1 ..] (weights 1..period,
 * newest heaviest); out before that is untouched. O(n): the weighted sum W and plain sum S update as
 * W' = W - S + period * x, and both are recomputed exactly once every `period` bars so rounding drift
 * cannot build up. A window holding a NaN yields NaN.
 */
export function wmaInto(values: Float64Array, period: number, start: number, out: Float64Array): void {
  const n = values.length;
  const denom = (period * (period + 1)) / 2;
  let s = 0;
  let w = 0;
  let nanCount = 0;
  let phase = 0; // (i - start - (period - 1)) % period once the first window is full: 0 means resync
  for (let i = start; i < n; i++) {
    const v = values[i];
    const x = v === v ? v : 0;
    if (v !== v) nanCount++;
    const k = i - start;
    if (k < period) {
      w += (k + 1) * x;
      s += x;
      if (k < period - 1) continue;
    } else {
      const old = values[i - period];
      if (old !== old) nanCount--;
      w += period * x - s;
      s += x - (old === old ? old : 0);
    }
    if (phase === 0) {
      s = 0;
      w = 0;
      for (let j = 0; j < period; j++) {
        const y = values[i - period + 1 + j];
        if (y === y) {
          s += y;
          w += (j + 1) * y;
        }
      }
    }
    phase = phase + 1 === period ? 0 : phase + 1;
    out[i] = nanCount === 0 ? w / denom : NaN;
  }
}

/**
 * Weighted moving average into `out` (every element written). Equivalent to technicalindicators' WMA and
 * TA-Lib's WMA.
 */
export function wma(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  nanFill(out, 0, period - 1);
  wmaInto(values, period, 0, out);
  return out;
}

export const WMA: FeatureDef = sourceIndicator({
  name: 'wma',
  description: 'Linearly weighted moving average',
  period: { default: 20, min: 1, max: 1000 },
  warmup: wmaWarmup,
  kernel: wma,
});
