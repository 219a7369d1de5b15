import type { FeatureDef } from '../types.js';
import { hlcIndicator } from './define.js';
import { nanFill } from './outputs.js';
import { trueRangeAt } from './rolling.js';

export const atrWarmup = (period: number): number => period;

/**
 * Wilder's average true range. True range starts at bar 1 (it needs the previous close); the first
 * ATR (bar `period`) is the mean of the first `period` true ranges, then
 * atr = (atr * (period - 1) + tr) / period. Equivalent to technicalindicators' ATR and TA-Lib ATR
 * (same seed and lookback); TradingView's ta.atr also counts bar 0's high - low and starts one bar
 * earlier. A NaN poisons every later value.
 */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  const n = close.length;
  nanFill(out, 0, period);
  if (n <= period) return out;
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRangeAt(high, low, close, i);
  let prev = sum / period;
  out[period] = prev;
  for (let i = period + 1; i < n; i++) {
    prev = (prev * (period - 1) + trueRangeAt(high, low, close, i)) / period;
    out[i] = prev;
  }
  return out;
}

export const ATR: FeatureDef = hlcIndicator({
  name: 'atr',
  description: "Average true range (Wilder's smoothing)",
  period: { default: 14, min: 1, max: 200 },
  warmup: atrWarmup,
  kernel: atr,
});
