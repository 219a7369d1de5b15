import type { FeatureDef } from '../types.js';
import { rollingSumInto } from './rolling.js';

export const mfiWarmup = (period: number): number => period;

/**
 * Money flow index. Raw flow at bar j >= 1 is tp * volume (tp = (high + low + close) / 3), counted as
 * positive when tp rises against bar j - 1, negative when it falls, and in neither when tp is
 * unchanged (TA-Lib); MFI = 100 * positive / (positive + negative) over the last `period` flows, first
 * at bar `period` (TA-Lib lookback). technicalindicators' MFI agrees on every bar where both are
 * defined and no tp tie lies in the window, except that it rounds to 2 decimals, counts a tie as
 * negative flow and starts one bar later. No flow at all (zero volume) gives 0 as in TA-Lib. A window
 * holding a NaN yields NaN.
 */
export function mfi(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, period: number): Float64Array {
  const n = close.length;
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  let prevTp = n > 0 ? (high[0] + low[0] + close[0]) / 3 : NaN;
  for (let i = 1; i < n; i++) {
    const tp = (high[i] + low[i] + close[i]) / 3;
    const flow = tp * volume[i];
    if (flow !== flow || prevTp !== prevTp) {
      pos[i] = NaN;
      neg[i] = NaN;
    } else {
      pos[i] = tp > prevTp ? flow : 0;
      neg[i] = tp < prevTp ? flow : 0;
    }
    prevTp = tp;
  }
  const posSum = new Float64Array(n).fill(NaN);
  const negSum = new Float64Array(n).fill(NaN);
  rollingSumInto(pos, period, 1, posSum);
  rollingSumInto(neg, period, 1, negSum);
  const out = new Float64Array(n).fill(NaN);
  for (let i = period; i < n; i++) {
    const total = posSum[i] + negSum[i];
    out[i] = total === 0 ? 0 : (100 * posSum[i]) / total;
  }
  return out;
}

export const MFI: FeatureDef = {
  name: 'mfi',
  kind: 'indicator',
  description: 'Money flow index',
  params: [{ name: 'period', kind: 'int', default: 14, min: 2, max: 200 }],
  outputs: ['value'],
  warmup: (p) => mfiWarmup(p.period),
  compute: (feed, p) => [mfi(feed.high, feed.low, feed.close, feed.volume, p.period)],
};
