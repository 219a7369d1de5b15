import type { FeatureDef } from '../types.js';
import { nanFill, outputArrays } from './outputs.js';
import { rangePositionInto } from './rolling.js';
import { sma } from './sma.js';

export const stochWarmup = (period: number, smoothK: number): number => period - 1 + smoothK - 1;

/**
 * Stochastic oscillator. Fast %K = 100 * (close - lowest low) / (highest high - lowest low) over
 * `period` bars (O(n) block extremes, rolling.ts); k = SMA(fast %K, smoothK); d = SMA(k, dPeriod).
 * With smoothK = 1 it is technicalindicators' Stochastic (period, signalPeriod = dPeriod); with
 * smoothK > 1 it is TA-Lib STOCH with SMA slowing (14, 3, 3 = the classic slow stochastic).
 * A flat window (high = low) gives 0, as both references do. A window holding a NaN yields NaN.
 * Fast %K is staged in d's array (no scratch series), which the last SMA then overwrites.
 */
export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  smoothK: number,
  dPeriod: number,
  out: Float64Array[] = outputArrays(undefined, 2, close.length),
): Float64Array[] {
  const [k, d] = out;
  const fast = smoothK > 1 ? d : k;
  nanFill(fast, 0, period - 1);
  rangePositionInto(high, low, close, period, true, fast);
  // sma() counts the leading NaNs as part of the window, so each stage starts where its input does.
  if (smoothK > 1) sma(fast, smoothK, k);
  sma(k, dPeriod, d);
  return out;
}

export const STOCH: FeatureDef = {
  name: 'stoch',
  kind: 'indicator',
  description: 'Stochastic oscillator %K (SMA-smoothed) and %D',
  params: [
    { name: 'period', kind: 'int', default: 14, min: 2, max: 200 },
    { name: 'smoothK', kind: 'int', default: 3, min: 1, max: 20 },
    { name: 'dPeriod', kind: 'int', default: 3, min: 1, max: 20 },
  ],
  outputs: ['k', 'd'],
  warmup: (p) => stochWarmup(p.period, p.smoothK),
  compute: (feed, p, _source, out) =>
    stoch(feed.high, feed.low, feed.close, p.period, p.smoothK, p.dPeriod, outputArrays(out, 2, feed.length)),
};
