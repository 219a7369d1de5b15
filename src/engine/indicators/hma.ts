import type { FeatureDef } from '../types.js';
import { priceSource } from './source.js';
import { wma, wmaInto } from './wma.js';

const halfOf = (period: number): number => Math.max(1, Math.floor(period / 2));
const sqrtOf = (period: number): number => Math.max(1, Math.floor(Math.sqrt(period)));

export const hmaWarmup = (period: number): number => period - 1 + sqrtOf(period) - 1;

/**
 * Hull moving average: WMA(2 * WMA(x, floor(period / 2)) - WMA(x, period), floor(sqrt(period))).
 * Equivalent to TradingView's ta.hma (floor for both derived lengths); technicalindicators has no HMA
 * (tests compose its WMA). A window holding a NaN yields NaN.
 */
export function hma(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const half = wma(values, halfOf(period));
  const full = wma(values, period);
  const diff = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) diff[i] = 2 * half[i] - full[i];
  const out = new Float64Array(n).fill(NaN);
  wmaInto(diff, sqrtOf(period), period - 1, out);
  return out;
}

export const HMA: FeatureDef = {
  name: 'hma',
  kind: 'indicator',
  description: 'Hull moving average',
  defaultSource: 'close',
  params: [{ name: 'period', kind: 'int', default: 20, min: 2, max: 500 }],
  outputs: ['value'],
  warmup: (p) => hmaWarmup(p.period),
  compute: (feed, p, source = 'close') => [hma(priceSource(feed, source), p.period)],
};
