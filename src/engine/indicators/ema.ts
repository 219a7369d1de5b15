import type { FeatureDef } from '../types.js';
import { priceSource } from './source.js';

export const emaWarmup = (period: number): number => period - 1;

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the SMA of the first
 * `period` values. Equivalent to technicalindicators' EMA and TA-Lib's EMA; NaN before the seed.
 */
export function ema(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n < period) return out;
  const alpha = 2 / (period + 1);
  let seed = 0;
  for (let i = 0; i < period; i++) seed += values[i];
  let prev = seed / period;
  out[period - 1] = prev;
  for (let i = period; i < n; i++) {
    prev = alpha * values[i] + (1 - alpha) * prev;
    out[i] = prev;
  }
  return out;
}

export const EMA: FeatureDef = {
  name: 'ema',
  kind: 'indicator',
  description: 'Exponential moving average (SMA-seeded)',
  defaultSource: 'close',
  params: [{ name: 'period', kind: 'int', default: 20, min: 1, max: 1000 }],
  outputs: ['value'],
  warmup: (p) => emaWarmup(p.period),
  compute: (feed, p, source = 'close') => [ema(priceSource(feed, source), p.period)],
};
