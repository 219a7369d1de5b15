import type { FeatureDef } from '../types.js';
import { atr, atrWarmup } from './atr.js';
import { nanFill, outputArrays } from './outputs.js';

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
  out: Float64Array[] = outputArrays(undefined, 2, close.length),
): Float64Array[] {
  const n = close.length;
  const [value, direction] = out;
  // The ATR is staged in `value`: bar i's ATR is read before bar i's value replaces it.
  atr(high, low, close, period, value);
  nanFill(direction, 0, period);
  let upper = NaN;
  let lower = NaN;
  let dir = 0; // 0: no state yet
  for (let i = period; i < n; i++) {
    const mid = (high[i] + low[i]) / 2;
    const a = value[i];
    const bu = mid + multiplier * a;
    const bl = mid - multiplier * a;
    const c = close[i];
    if (bu !== bu || bl !== bl || c !== c) {
      dir = 0;
      value[i] = direction[i] = NaN;
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
  return out;
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
  compute: (feed, p, _source, out) =>
    supertrend(feed.high, feed.low, feed.close, p.period, p.multiplier, outputArrays(out, 2, feed.length)),
};
