import type { FeatureDef } from '../types.js';
import { ema, emaInto } from './ema.js';
import { priceSource } from './source.js';

export const temaWarmup = (period: number): number => 3 * (period - 1);

/**
 * Triple EMA: 3 * E1 - 3 * E2 + E3 with E2 = EMA(E1), E3 = EMA(E2), each seeded (SMA) on the first
 * `period` defined values of the previous one. Equivalent to TA-Lib TEMA (lookback 3 * (period - 1));
 * technicalindicators has no TEMA (tests compose its EMA). A NaN poisons everything after it.
 */
export function tema(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const e1 = ema(values, period);
  const e2 = new Float64Array(n).fill(NaN);
  emaInto(e1, period, period - 1, e2);
  const e3 = new Float64Array(n).fill(NaN);
  emaInto(e2, period, 2 * (period - 1), e3);
  const out = new Float64Array(n).fill(NaN);
  for (let i = temaWarmup(period); i < n; i++) out[i] = 3 * e1[i] - 3 * e2[i] + e3[i];
  return out;
}

export const TEMA: FeatureDef = {
  name: 'tema',
  kind: 'indicator',
  description: 'Triple exponential moving average (Mulloy)',
  defaultSource: 'close',
  params: [{ name: 'period', kind: 'int', default: 20, min: 2, max: 300 }],
  outputs: ['value'],
  warmup: (p) => temaWarmup(p.period),
  compute: (feed, p, source = 'close') => [tema(priceSource(feed, source), p.period)],
};
