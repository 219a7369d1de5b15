import type { FeatureDef } from '../types.js';
import { nanFill, outputArrays } from './outputs.js';
import { rollingExtremeInto } from './rolling.js';

export const donchianWarmup = (period: number): number => period - 1;

/**
 * Donchian channel: upper = highest high, lower = lowest low of the last `period` bars INCLUDING the
 * current one (TradingView's ta.highest/ta.lowest, TA-Lib MAX/MIN); middle = their mean. A breakout
 * rule must therefore compare the close with the previous bar's band. O(n) block extremes (rolling.ts).
 * technicalindicators has no Donchian (tests use a naive window scan). A window holding a NaN yields NaN.
 */
export function donchian(
  high: Float64Array,
  low: Float64Array,
  period: number,
  out: Float64Array[] = outputArrays(undefined, 3, high.length),
): Float64Array[] {
  const n = high.length;
  const [upper, middle, lower] = out;
  for (const o of out) nanFill(o, 0, period - 1);
  rollingExtremeInto(high, period, 1, upper);
  rollingExtremeInto(low, period, -1, lower);
  for (let i = period - 1; i < n; i++) middle[i] = (upper[i] + lower[i]) / 2;
  return out;
}

export const DONCHIAN: FeatureDef = {
  name: 'donchian',
  kind: 'indicator',
  description: 'Donchian channel (highest high, midpoint, lowest low)',
  params: [{ name: 'period', kind: 'int', default: 20, min: 1, max: 500 }],
  outputs: ['upper', 'middle', 'lower'],
  warmup: (p) => donchianWarmup(p.period),
  compute: (feed, p, _source, out) => donchian(feed.high, feed.low, p.period, outputArrays(out, 3, feed.length)),
};
