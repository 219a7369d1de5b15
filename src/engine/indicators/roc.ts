import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { nanFill } from './outputs.js';

export const rocWarmup = (period: number): number => period;

/**
 * Rate of change in percent: 100 * (x[i] - x[i - period]) / x[i - period]. Equivalent to
 * technicalindicators' ROC and TA-Lib ROC. A zero base gives 0 as in TA-Lib (possible when the source
 * is volume). NaN in either value gives NaN.
 */
export function roc(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  nanFill(out, 0, period);
  for (let i = period; i < n; i++) {
    const base = values[i - period];
    const x = values[i];
    out[i] = base === 0 && x === x ? 0 : (100 * (x - base)) / base;
  }
  return out;
}

export const ROC: FeatureDef = sourceIndicator({
  name: 'roc',
  description: 'Rate of change (percent)',
  period: { default: 10, min: 1, max: 200 },
  warmup: rocWarmup,
  kernel: roc,
});
