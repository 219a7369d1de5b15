import type { FeatureDef } from '../types.js';
import { nanFill, outputArrays } from './outputs.js';
import { priceSource } from './source.js';

export const demaWarmup = (period: number): number => 2 * (period - 1);

/**
 * Double EMA: 2 * EMA(x) - EMA(EMA(x)), the inner EMA seeded (SMA) on the first `period` defined
 * values of the outer one. Equivalent to TA-Lib DEMA (same lookback 2 * (period - 1)); technicalindicators
 * has no DEMA (tests compose its EMA). A NaN poisons everything after it, as in EMA.
 * Both EMAs advance in one pass (the same operations, in the same order, as emaInto applied twice) so
 * no intermediate series is stored.
 */
export function dema(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  const w = demaWarmup(period);
  nanFill(out, 0, w);
  if (n <= w) return out;
  const alpha = 2 / (period + 1);
  const beta = 1 - alpha;
  let seed1 = 0;
  for (let i = 0; i < period; i++) seed1 += values[i];
  let e1 = NaN;
  let seed2 = 0;
  let e2 = NaN;
  for (let i = period - 1; i < n; i++) {
    e1 = i === period - 1 ? seed1 / period : alpha * values[i] + beta * e1;
    if (i <= w) {
      seed2 += e1;
      if (i < w) continue;
      e2 = seed2 / period;
    } else e2 = alpha * e1 + beta * e2;
    out[i] = 2 * e1 - e2;
  }
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
  compute: (feed, p, source = 'close', out) => {
    const o = outputArrays(out, 1, feed.length);
    dema(priceSource(feed, source), p.period, o[0]);
    return o;
  },
};
