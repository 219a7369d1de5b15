import type { FeatureDef } from '../types.js';
import { hlcIndicator } from './define.js';
import { nanFill } from './outputs.js';
import { rollingSumInto } from './rolling.js';

export const cciWarmup = (period: number): number => period - 1;

/**
 * Commodity channel index on the typical price tp = (high + low + close) / 3:
 * (tp - SMA(tp)) / (0.015 * mean absolute deviation of tp around that SMA). Equivalent to
 * technicalindicators' CCI and TA-Lib CCI. The mean deviation is taken around the CURRENT mean, so it
 * has no exact incremental form: this kernel is O(n * period) (the SMA part is O(n)). Four bars' deviation
 * sums run side by side, each still adding its window left to right (so the result is the plain loop's,
 * bit for bit), which lets the CPU overlap four dependent add chains. A flat window (deviation 0) gives 0
 * as in TA-Lib (technicalindicators gives NaN). A window holding a NaN yields NaN.
 */
export function cci(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  const n = close.length;
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) tp[i] = (high[i] + low[i] + close[i]) / 3;
  // out holds each window's tp sum first (NaN for a window with a NaN), then the CCI over it.
  nanFill(out, 0, period - 1);
  rollingSumInto(tp, period, 0, out);
  let i = period - 1;
  for (; i + 3 < n; i += 4) {
    const m0 = out[i] / period;
    const m1 = out[i + 1] / period;
    const m2 = out[i + 2] / period;
    const m3 = out[i + 3] / period;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    // Step j reads tp[j .. j + 3]; three of them were read at step j - 1, so they move down a register
    // and only tp[j + 3] is loaded (one load and bounds check per step instead of four).
    let j = i - period + 1;
    let x1 = tp[j];
    let x2 = tp[j + 1];
    let x3 = tp[j + 2];
    for (; j <= i; j++) {
      const x0 = x1;
      x1 = x2;
      x2 = x3;
      x3 = tp[j + 3];
      d0 += Math.abs(x0 - m0);
      d1 += Math.abs(x1 - m1);
      d2 += Math.abs(x2 - m2);
      d3 += Math.abs(x3 - m3);
    }
    out[i] = cciOf(tp[i], m0, d0 / period);
    out[i + 1] = cciOf(tp[i + 1], m1, d1 / period);
    out[i + 2] = cciOf(tp[i + 2], m2, d2 / period);
    out[i + 3] = cciOf(tp[i + 3], m3, d3 / period);
  }
  for (; i < n; i++) {
    const mean = out[i] / period;
    let dev = 0;
    for (let j = i - period + 1; j <= i; j++) dev += Math.abs(tp[j] - mean);
    out[i] = cciOf(tp[i], mean, dev / period);
  }
  return out;
}

/** A NaN mean (a window with a NaN) makes dev NaN and so the result NaN. */
const cciOf = (x: number, mean: number, dev: number): number => (dev === 0 ? 0 : (x - mean) / (0.015 * dev));

export const CCI: FeatureDef = hlcIndicator({
  name: 'cci',
  description: 'Commodity channel index (typical price)',
  period: { default: 20, min: 2, max: 200 },
  warmup: cciWarmup,
  kernel: cci,
});
