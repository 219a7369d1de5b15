import type { FeatureDef } from '../types.js';
import { ema, emaInto } from './ema.js';
import { priceSource } from './source.js';

export const demaWarmup = (period: number): number => 2 * (period - 1);

/**
 * Double EMA: 2 * EMA(x) - EMA(EMA(x)), the inner EMA seeded (SMA) on the first `period` defined
 * values of the outer one. Equivalent to TA-Lib DEMA (same lookback 2 * (period - 1)); technicalindicators
 * has no DEMA (tests compose its EMA). A NaN poisons everything after it, as in EMA.
 */
export function dema(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const e1 = ema(values, period);
  const e2 = new Float64Array(n).fill(NaN);
  emaInto(e1, period, period - 1, e2);
  const out = new Float64Array(n).fill(NaN);
  for (let i = demaWarmup(period); i < n; i++) out[i] = 2 * e1[i] - e2[i];
  return out;
}

export const DEMA: FeatureDef = {
  name: 'dema',
  kind: 'indicator',
  description: 'Double exponential moving average (Mulloy)',
  defaultSource: 'close',
  params: [{ name: 'period', kind: 'int', default: 20, min: 2, max: 500 }],
  outputs: ['value'],
  warmup: (p) => demaWarmup(p.period),
  compute: (feed, p, source = 'close') => [dema(priceSource(feed, source), p.period)],
};
