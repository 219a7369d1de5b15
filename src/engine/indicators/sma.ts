import type { FeatureDef } from '../types.js';
import { priceSource } from './source.js';

export const smaWarmup = (period: number): number => period - 1;

/**
 * Simple moving average: the mean of the last `period` values. Equivalent to pandas
 * `Series.rolling(period).mean()` and technicalindicators' SMA. A NaN input poisons every window
 * that contains it (no silent skipping).
 */
export function sma(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
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
    if (i >= period - 1 && nanCount === 0) out[i] = sum / period;
  }
  return out;
}

export const SMA: FeatureDef = {
  name: 'sma',
  kind: 'indicator',
  description: 'Simple moving average',
  defaultSource: 'close',
  params: [{ name: 'period', kind: 'int', default: 20, min: 1, max: 1000 }],
  outputs: ['value'],
  warmup: (p) => smaWarmup(p.period),
  compute: (feed, p, source = 'close') => [sma(priceSource(feed, source), p.period)],
};
