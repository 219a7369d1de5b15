import type { FeatureDef } from '../types.js';
import { atr, atrWarmup } from './atr.js';
import { ema, emaWarmup } from './ema.js';
import { nanFill, outputArrays } from './outputs.js';

export const keltnerWarmup = (period: number, atrPeriod: number): number =>
  Math.max(emaWarmup(period), atrWarmup(atrPeriod));

/**
 * Keltner channel: middle = EMA(close, period), upper/lower = middle +/- multiplier * ATR(atrPeriod)
 * (Wilder ATR, see atr.ts). Equivalent to technicalindicators' KeltnerChannels with useSMA = false.
 * NaN wherever either the EMA or the ATR is NaN (both poison everything after a NaN input).
 * The ATR is computed into the lower band's array and read back bar by bar before that bar's lower
 * value replaces it, so no scratch series is needed.
 */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  atrPeriod: number,
  multiplier: number,
  out: Float64Array[] = outputArrays(undefined, 3, close.length),
): Float64Array[] {
  const n = close.length;
  const [upper, middle, lower] = out;
  ema(close, period, middle);
  atr(high, low, close, atrPeriod, lower);
  const start = keltnerWarmup(period, atrPeriod);
  for (let i = start; i < n; i++) {
    const m = middle[i];
    const a = lower[i];
    upper[i] = m + multiplier * a;
    lower[i] = m - multiplier * a;
  }
  // The middle band alone may be defined earlier; hide it until the channel exists so all three agree.
  for (const o of out) nanFill(o, 0, start);
  return out;
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
  compute: (feed, p, _source, out) =>
    keltner(feed.high, feed.low, feed.close, p.period, p.atrPeriod, p.multiplier, outputArrays(out, 3, feed.length)),
};
