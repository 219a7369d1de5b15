import type { FeatureDef } from '../types.js';
import { rollingSumInto } from './rolling.js';

export const vwapWarmup = (window: number): number => window - 1;

/**
 * Rolling VWAP: sum(tp * volume) / sum(volume) over the last `window` bars, tp = (high + low + close) / 3.
 * technicalindicators' VWAP is the cumulative (session-less) form; with window >= bar index + 1 the two
 * coincide, and tests check the rolling form against a naive window scan. Sums are O(n) with an exact
 * resync every `window` bars (rolling.ts). A window with zero total volume gives NaN (the price is
 * undefined there, and no reference defines a fallback); a window holding a NaN yields NaN.
 */
export function vwap(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, window: number): Float64Array {
  const n = close.length;
  const pv = new Float64Array(n);
  for (let i = 0; i < n; i++) pv[i] = ((high[i] + low[i] + close[i]) / 3) * volume[i];
  const pvSum = new Float64Array(n).fill(NaN);
  const vSum = new Float64Array(n).fill(NaN);
  rollingSumInto(pv, window, 0, pvSum);
  rollingSumInto(volume, window, 0, vSum);
  const out = new Float64Array(n).fill(NaN);
  for (let i = window - 1; i < n; i++) out[i] = vSum[i] === 0 ? NaN : pvSum[i] / vSum[i];
  return out;
}

export const VWAP: FeatureDef = {
  name: 'vwap',
  kind: 'indicator',
  description: 'Rolling volume-weighted average price (typical price)',
  params: [{ name: 'window', kind: 'int', default: 20, min: 1, max: 1000 }],
  outputs: ['value'],
  warmup: (p) => vwapWarmup(p.window),
  compute: (feed, p) => [vwap(feed.high, feed.low, feed.close, feed.volume, p.window)],
};
