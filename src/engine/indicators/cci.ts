import type { FeatureDef } from '../types.js';
import { rollingSumInto } from './rolling.js';

export const cciWarmup = (period: number): number => period - 1;

/**
 * Commodity channel index on the typical price tp = (high + low + close) / 3:
 * (tp - SMA(tp)) / (0.015 * mean absolute deviation of tp around that SMA). Equivalent to
 * technicalindicators' CCI and TA-Lib CCI. The mean deviation is taken around the CURRENT mean, so it
 * has no exact incremental form: this kernel is O(n * period) (the SMA part is O(n)). A flat window
 * (deviation 0) gives 0 as in TA-Lib (technicalindicators gives NaN). A window holding a NaN yields NaN.
 */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) tp[i] = (high[i] + low[i] + close[i]) / 3;
  const sums = new Float64Array(n).fill(NaN);
  rollingSumInto(tp, period, 0, sums);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    const mean = sums[i] / period;
    if (mean !== mean) continue;
    let dev = 0;
    for (let j = i - period + 1; j <= i; j++) dev += Math.abs(tp[j] - mean);
    dev /= period;
    out[i] = dev === 0 ? 0 : (tp[i] - mean) / (0.015 * dev);
  }
  return out;
}

export const CCI: FeatureDef = {
  name: 'cci',
  kind: 'indicator',
  description: 'Commodity channel index (typical price)',
  params: [{ name: 'period', kind: 'int', default: 20, min: 2, max: 200 }],
  outputs: ['value'],
  warmup: (p) => cciWarmup(p.period),
  compute: (feed, p) => [cci(feed.high, feed.low, feed.close, p.period)],
};
