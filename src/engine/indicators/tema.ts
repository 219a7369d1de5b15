import type { FeatureDef } from '../types.js';
import { nanFill, outputArrays } from './outputs.js';
import { priceSource } from './source.js';

export const temaWarmup = (period: number): number => 3 * (period - 1);

/**
 * Triple EMA: 3 * E1 - 3 * E2 + E3 with E2 = EMA(E1), E3 = EMA(E2), each seeded (SMA) on the first
 * `period` defined values of the previous one. Equivalent to TA-Lib TEMA (lookback 3 * (period - 1));
 * technicalindicators has no TEMA (tests compose its EMA). A NaN poisons everything after it.
 * The three EMAs advance in one pass (the operations of emaInto applied three times, in the same order),
 * so no intermediate series is stored.
 */
export function tema(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  const w2 = 2 * (period - 1);
  const w3 = temaWarmup(period);
  nanFill(out, 0, w3);
  if (n <= w3) return out;
  const alpha = 2 / (period + 1);
  const beta = 1 - alpha;
  let seed1 = 0;
  for (let i = 0; i < period; i++) seed1 += values[i];
  let e1 = NaN;
  let seed2 = 0;
  let e2 = NaN;
  let seed3 = 0;
  let e3 = NaN;
  for (let i = period - 1; i < n; i++) {
    e1 = i === period - 1 ? seed1 / period : alpha * values[i] + beta * e1;
    if (i <= w2) {
      seed2 += e1;
      if (i < w2) continue;
      e2 = seed2 / period;
    } else e2 = alpha * e1 + beta * e2;
    if (i <= w3) {
      seed3 += e2;
      if (i < w3) continue;
      e3 = seed3 / period;
    } else e3 = alpha * e2 + beta * e3;
    out[i] = 3 * e1 - 3 * e2 + e3;
  }
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
  compute: (feed, p, source = 'close', out) => {
    const o = outputArrays(out, 1, feed.length);
    tema(priceSource(feed, source), p.period, o[0]);
    return o;
  },
};
