import type { FeatureDef } from '../types.js';
import { atr, atrWarmup } from './atr.js';
import { ema, emaWarmup } from './ema.js';

export const keltnerWarmup = (period: number, atrPeriod: number): number => Math.max(emaWarmup(period), atrWarmup(atrPeriod));

/**
 * Keltner channel: middle = EMA(close, period), upper/lower = middle +/- multiplier * ATR(atrPeriod)
 * (Wilder ATR, see atr.ts). Equivalent to technicalindicators' KeltnerChannels with useSMA = false.
 * NaN wherever either the EMA or the ATR is NaN (both poison everything after a NaN input).
 */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  atrPeriod: number,
  multiplier: number,
): [Float64Array, Float64Array, Float64Array] {
  const n = close.length;
  const middle = ema(close, period);
  const a = atr(high, low, close, atrPeriod);
  const upper = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  const start = keltnerWarmup(period, atrPeriod);
  for (let i = start; i < n; i++) {
    upper[i] = middle[i] + multiplier * a[i];
    lower[i] = middle[i] - multiplier * a[i];
  }
  // The middle band alone may be defined earlier; hide it until the channel exists so all three agree.
  for (let i = 0; i < Math.min(start, n); i++) middle[i] = NaN;
  return [upper, middle, lower];
}

export const KELTNER: FeatureDef = {
  name: 'keltner',
  kind: 'indicator',
  description: 'Keltner channel (EMA of close +/- multiplier * ATR)',
  params: [
    { name: 'period', kind: 'int', default: 20, min: 1, max: 500 },
    { name: 'atrPeriod', kind: 'int', default: 10, min: 1, max: 200 },
    { name: 'multiplier', kind: 'float', default: 2, min: 0.5, max: 5 },
  ],
  outputs: ['upper', 'middle', 'lower'],
  warmup: (p) => keltnerWarmup(p.period, p.atrPeriod),
  compute: (feed, p) => keltner(feed.high, feed.low, feed.close, p.period, p.atrPeriod, p.multiplier),
};
