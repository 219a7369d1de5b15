import type { FeatureDef } from '../types.js';
import { outputArrays } from './outputs.js';
import { priceSource } from './source.js';

export const bbandsWarmup = (period: number): number => period - 1;

/**
 * Bollinger Bands: middle = SMA(period), upper/lower = middle +/- mult * sigma, with sigma the
 * POPULATION standard deviation (divide by period), as technicalindicators, TA-Lib BBANDS and
 * TradingView do (pandas' rolling std divides by period - 1). Mean and squared deviations are
 * updated incrementally (rolling Welford) and recomputed exactly (two-pass) every `period` bars, so
 * there is no sum-of-squares cancellation and no drift: O(n) amortised. A window holding a NaN yields NaN.
 */
export function bbands(
  values: Float64Array,
  period: number,
  mult: number,
  out: Float64Array[] = outputArrays(undefined, 3, values.length),
): Float64Array[] {
  const n = values.length;
  const [upper, middle, lower] = out;
  let nanCount = 0;
  let fresh = false; // mean/m2 describe the current clean window
  let mean = 0;
  let m2 = 0;
  let sinceSync = 0;
  for (let i = 0; i < n; i++) {
    if (values[i] !== values[i]) nanCount++;
    if (i >= period && values[i - period] !== values[i - period]) nanCount--;
    if (i < period - 1 || nanCount > 0) {
      if (nanCount > 0) fresh = false;
      upper[i] = middle[i] = lower[i] = NaN;
      continue;
    }
    if (!fresh || ++sinceSync >= period) {
      mean = 0;
      for (let j = i - period + 1; j <= i; j++) mean += values[j];
      mean /= period;
      m2 = 0;
      for (let j = i - period + 1; j <= i; j++) m2 += (values[j] - mean) * (values[j] - mean);
      fresh = true;
      sinceSync = 0;
    } else {
      const xin = values[i];
      const xout = values[i - period];
      const next = mean + (xin - xout) / period;
      m2 += (xin - xout) * (xin - next + xout - mean);
      mean = next;
    }
    const sd = Math.sqrt(m2 > 0 ? m2 / period : 0);
    middle[i] = mean;
    upper[i] = mean + mult * sd;
    lower[i] = mean - mult * sd;
  }
  return out;
}

export const BBANDS: FeatureDef = {
  name: 'bbands',
  kind: 'indicator',
  description: 'Bollinger Bands (SMA +/- stddev * population standard deviation)',
  defaultSource: 'close',
  params: [
    { name: 'period', kind: 'int', default: 20, min: 2, max: 500 },
    { name: 'stddev', kind: 'float', default: 2, min: 0.5, max: 5, description: 'band width in standard deviations' },
  ],
  outputs: ['upper', 'middle', 'lower'],
  warmup: (p) => bbandsWarmup(p.period),
  compute: (feed, p, source = 'close', out) =>
    bbands(priceSource(feed, source), p.period, p.stddev, outputArrays(out, 3, feed.length)),
};
