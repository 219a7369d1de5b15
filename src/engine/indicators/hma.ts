import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { nanFill } from './outputs.js';
import { wmaInto } from './wma.js';

const halfOf = (period: number): number => Math.max(1, Math.floor(period / 2));
const sqrtOf = (period: number): number => Math.max(1, Math.floor(Math.sqrt(period)));

export const hmaWarmup = (period: number): number => period - 1 + sqrtOf(period) - 1;

/**
 * Hull moving average: WMA(2 * WMA(x, floor(period / 2)) - WMA(x, period), floor(sqrt(period))).
 * Equivalent to TradingView's ta.hma (floor for both derived lengths); technicalindicators has no HMA
 * (tests compose its WMA). A window holding a NaN yields NaN. One scratch series: the full-period WMA
 * goes into `out` (not read again once the difference is formed), the half one into the scratch, which
 * then holds the difference the outer WMA reads.
 */
export function hma(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  const diff = new Float64Array(n);
  wmaInto(values, halfOf(period), 0, diff);
  wmaInto(values, period, 0, out);
  // Bars before period - 1 are never read: the outer WMA starts at period - 1.
  for (let i = period - 1; i < n; i++) diff[i] = 2 * diff[i] - out[i];
  nanFill(out, 0, hmaWarmup(period));
  wmaInto(diff, sqrtOf(period), period - 1, out);
  return out;
}

export const HMA: FeatureDef = sourceIndicator({
  name: 'hma',
  description: 'Hull moving average',
  period: { default: 20, min: 2, max: 500 },
  warmup: hmaWarmup,
  kernel: hma,
});
