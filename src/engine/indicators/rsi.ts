import type { FeatureDef } from '../types.js';
import { sourceIndicator } from './define.js';
import { nanFill } from './outputs.js';

export const rsiWarmup = (period: number): number => period;

/**
 * Wilder's RSI: average gain and loss seeded with the plain mean of the first `period` changes, then
 * avg = (avg * (period - 1) + x) / period. Equivalent to technicalindicators' RSI (which rounds to 2
 * decimals; this does not) and to TA-Lib RSI (same seed and lookback). Degenerate windows follow
 * TA-Lib: no losses gives 100, no gains and no losses gives 0 (technicalindicators says 100 there).
 * A NaN poisons every later value (Wilder's recursion carries it).
 */
export function rsi(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  const n = values.length;
  nanFill(out, 0, period);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i] - values[i - 1];
    if (d > 0) gain += d;
    else loss -= d; // NaN lands here and propagates
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  for (let i = period + 1; i < n; i++) {
    const d = values[i] - values[i - 1];
    // max(d, 0) is d > 0 ? d : 0 for every d, -0 and NaN included (max(-0, 0) is +0), with no select
    // holding a `NaN` literal whose branch never runs on market data (see prime.ts: V8 boxed such values).
    const g = Math.max(d, 0);
    const l = Math.max(-d, 0);
    gain = (gain * (period - 1) + g) / period;
    loss = (loss * (period - 1) + l) / period;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

/** A NaN gain or loss makes total NaN, so the result is NaN without a branch of its own. */
function rsiOf(gain: number, loss: number): number {
  const total = gain + loss;
  return total === 0 ? 0 : (100 * gain) / total;
}

export const RSI: FeatureDef = sourceIndicator({
  name: 'rsi',
  description: "Relative strength index (Wilder's smoothing)",
  period: { default: 14, min: 2, max: 100 },
  warmup: rsiWarmup,
  kernel: rsi,
});
