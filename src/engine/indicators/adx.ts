import type { FeatureDef } from '../types.js';
import { outputArrays } from './outputs.js';
import { trueRangeAt } from './rolling.js';

export const adxWarmup = (period: number): number => 2 * period - 1;

/**
 * Wilder's ADX with +DI and -DI. TR, +DM and -DM run from bar 1; their Wilder sums are seeded with the
 * sum of the first `period` values (bar `period`), then s = s - s / period + x; DI = 100 * sDM / sTR
 * (defined from bar `period`); DX = 100 * |DI+ - DI-| / (DI+ + DI-); ADX is the mean of the first
 * `period` DX values (bar 2 * period - 1), then Wilder-smoothed. Equivalent to technicalindicators'
 * ADX. TA-Lib ADX seeds the sums with period - 1 terms: same lookback, a transient that decays as
 * (1 - 1/period)^k. Degenerate bars follow TA-Lib: TR sum 0 gives DI 0, DI sum 0 gives DX 0
 * (technicalindicators would produce NaN there forever). A NaN poisons every later value.
 */
export function adx(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  out: Float64Array[] = outputArrays(undefined, 3, close.length),
): Float64Array[] {
  const n = close.length;
  const [adxOut, plus, minus] = out;
  if (n > 0) adxOut[0] = plus[0] = minus[0] = NaN;
  let sTr = 0;
  let sPlus = 0;
  let sMinus = 0;
  let dxSum = 0;
  let adxPrev = NaN;
  for (let i = 1; i < n; i++) {
    const tr = trueRangeAt(high, low, close, i);
    const up = high[i] - high[i - 1];
    const down = low[i - 1] - low[i];
    const bad = up !== up || down !== down;
    const pdm = bad ? NaN : up > down && up > 0 ? up : 0;
    const mdm = bad ? NaN : down > up && down > 0 ? down : 0;
    if (i <= period) {
      sTr += tr;
      sPlus += pdm;
      sMinus += mdm;
      if (i < period) {
        adxOut[i] = plus[i] = minus[i] = NaN;
        continue;
      }
    } else {
      sTr = sTr - sTr / period + tr;
      sPlus = sPlus - sPlus / period + pdm;
      sMinus = sMinus - sMinus / period + mdm;
    }
    const pdi = sTr === 0 ? 0 : (100 * sPlus) / sTr;
    const mdi = sTr === 0 ? 0 : (100 * sMinus) / sTr;
    const diSum = pdi + mdi;
    const dx = diSum === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / diSum;
    const pv = sTr !== sTr || sPlus !== sPlus ? NaN : pdi;
    const mv = sTr !== sTr || sMinus !== sMinus ? NaN : mdi;
    plus[i] = pv;
    minus[i] = mv;
    const dxv = pv !== pv || mv !== mv ? NaN : dx;
    const k = i - period; // index of this DX among all DX values
    if (k < period) {
      dxSum += dxv;
      if (k === period - 1) adxPrev = dxSum / period;
      else {
        adxOut[i] = NaN;
        continue;
      }
    } else {
      adxPrev = (adxPrev * (period - 1) + dxv) / period;
    }
    adxOut[i] = adxPrev;
  }
  return out;
}

export const ADX: FeatureDef = {
  name: 'adx',
  kind: 'indicator',
  description: 'Average directional index with +DI and -DI (Wilder)',
  params: [{ name: 'period', kind: 'int', default: 14, min: 2, max: 100 }],
  outputs: ['adx', 'plus_di', 'minus_di'],
  warmup: (p) => adxWarmup(p.period),
  compute: (feed, p, _source, out) => adx(feed.high, feed.low, feed.close, p.period, outputArrays(out, 3, feed.length)),
};
