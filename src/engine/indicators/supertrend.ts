import type { FeatureDef } from '../types.js';
import { atr, atrWarmup } from './atr.js';

export const supertrendWarmup = (period: number): number => atrWarmup(period);

/**
 * SuperTrend: bands hl2 +/- multiplier * ATR(period) that only ratchet towards price (the lower band
 * never falls and the upper band never rises while price stays on its side); the trend flips when
 * the close crosses the active band. Equivalent to TradingView's ta.supertrend (it also starts in a
 * downtrend on the first bar with an ATR), with two documented differences: the ATR is Wilder's as in
 * TA-Lib (see atr.ts), and direction is +1 for an uptrend (value = lower band) and -1 for a downtrend
 * (value = upper band), where TradingView uses the opposite signs. A NaN bar gives NaN and restarts
 * the state (ATR itself stays NaN after a NaN, so in practice everything after is NaN).
 */
export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  multiplier: number,
): [Float64Array, Float64Array] {
  const n = close.length;
  const a = atr(high, low, close, period);
  const value = new Float64Array(n).fill(NaN);
  const direction = new Float64Array(n).fill(NaN);
  let upper = NaN;
  let lower = NaN;
  let dir = 0; // 0: no state yet
  for (let i = period; i < n; i++) {
    const mid = (high[i] + low[i]) / 2;
    const bu = mid + multiplier * a[i];
    const bl = mid - multiplier * a[i];
    const c = close[i];
    if (bu !== bu || bl !== bl || c !== c) {
      dir = 0;
      continue;
    }
    if (dir === 0) {
      upper = bu;
      lower = bl;
      dir = -1;
    } else {
      const pc = close[i - 1];
      lower = bl > lower || pc < lower ? bl : lower;
      upper = bu < upper || pc > upper ? bu : upper;
      dir = dir === -1 ? (c > upper ? 1 : -1) : c < lower ? -1 : 1;
    }
    value[i] = dir === 1 ? lower : upper;
    direction[i] = dir;
  }
  return [value, direction];
}

export const SUPERTREND: FeatureDef = {
  name: 'supertrend',
  kind: 'indicator',
  description: 'SuperTrend trailing band (value) and trend direction (+1 up, -1 down)',
  params: [
    { name: 'period', kind: 'int', default: 10, min: 1, max: 200 },
    { name: 'multiplier', kind: 'float', default: 3, min: 0.5, max: 10 },
  ],
  outputs: ['value', 'direction'],
  warmup: (p) => supertrendWarmup(p.period),
  compute: (feed, p) => supertrend(feed.high, feed.low, feed.close, p.period, p.multiplier),
};
