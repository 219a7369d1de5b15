import type { FeatureDef } from '../types.js';
import { outputArrays } from './outputs.js';
import { priceSource } from './source.js';

export const macdWarmup = (fast: number, slow: number): number => Math.max(fast, slow) - 1;

/**
 * MACD line = EMA(fast) - EMA(slow), signal = EMA(line, signal) seeded on the first `signal` line
 * values, histogram = line - signal. Each EMA is SMA-seeded at its own start, exactly as
 * technicalindicators' MACD with SimpleMAOscillator/SimpleMASignal = false. TA-Lib MACD starts its fast
 * EMA later (aligned with the slow one), which differs only in a decaying transient. fast >= slow is
 * allowed (the line just changes sign). The line's warm-up is max(fast, slow) - 1; signal and histogram
 * start `signal - 1` bars later. A NaN poisons everything after it, as in EMA.
 * The three EMAs advance in one pass (emaInto's operations, in its order), writing every element of the
 * three outputs, so neither EMA is stored.
 */
export function macd(
  values: Float64Array,
  fast: number,
  slow: number,
  signal: number,
  out: Float64Array[] = outputArrays(undefined, 3, values.length),
): Float64Array[] {
  const [line, sig, hist] = out;
  const n = values.length;
  const start = macdWarmup(fast, slow);
  const sigStart = start + signal - 1;
  const af = 2 / (fast + 1);
  const bf = 1 - af;
  const as = 2 / (slow + 1);
  const bs = 1 - as;
  const ag = 2 / (signal + 1);
  const bg = 1 - ag;
  let sf = 0;
  let ef = NaN;
  let ss = 0;
  let es = NaN;
  let sg = 0;
  let eg = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (i < fast) {
      sf += v;
      if (i === fast - 1) ef = sf / fast;
    } else ef = af * v + bf * ef;
    if (i < slow) {
      ss += v;
      if (i === slow - 1) es = ss / slow;
    } else es = as * v + bs * es;
    if (i < start) {
      line[i] = sig[i] = hist[i] = NaN;
      continue;
    }
    const l = ef - es;
    line[i] = l;
    if (i <= sigStart) {
      sg += l;
      if (i < sigStart) {
        sig[i] = hist[i] = NaN;
        continue;
      }
      eg = sg / signal;
    } else eg = ag * l + bg * eg;
    sig[i] = eg;
    hist[i] = l - eg;
  }
  return out;
}

export const MACD: FeatureDef = {
  name: 'macd',
  kind: 'indicator',
  description: 'Moving average convergence/divergence (EMA based)',
  defaultSource: 'close',
  params: [
    { name: 'fast', kind: 'int', default: 12, min: 2, max: 100 },
    { name: 'slow', kind: 'int', default: 26, min: 3, max: 300 },
    { name: 'signal', kind: 'int', default: 9, min: 1, max: 100 },
  ],
  outputs: ['line', 'signal', 'hist'],
  warmup: (p) => macdWarmup(p.fast, p.slow),
  compute: (feed, p, source = 'close', out) =>
    macd(priceSource(feed, source), p.fast, p.slow, p.signal, outputArrays(out, 3, feed.length)),
};
