import type { FeatureDef } from '../types.js';
import { ema, emaInto } from './ema.js';
import { priceSource } from './source.js';

export const macdWarmup = (fast: number, slow: number): number => Math.max(fast, slow) - 1;

/**
 * MACD line = EMA(fast) - EMA(slow), signal = EMA(line, signal) seeded on the first `signal` line
 * values, histogram = line - signal. Each EMA is SMA-seeded at its own start, exactly as
 * technicalindicators' MACD with SimpleMAOscillator/SimpleMASignal = false. TA-Lib MACD starts its fast
 * EMA later (aligned with the slow one), which differs only in a decaying transient. fast >= slow is
 * allowed (the line just changes sign). The line's warm-up is max(fast, slow) - 1; signal and histogram
 * start `signal - 1` bars later. A NaN poisons everything after it, as in EMA.
 */
export function macd(values: Float64Array, fast: number, slow: number, signal: number): [Float64Array, Float64Array, Float64Array] {
  const n = values.length;
  const f = ema(values, fast);
  const s = ema(values, slow);
  const start = macdWarmup(fast, slow);
  const line = new Float64Array(n).fill(NaN);
  for (let i = start; i < n; i++) line[i] = f[i] - s[i];
  const sig = new Float64Array(n).fill(NaN);
  emaInto(line, signal, start, sig);
  const hist = new Float64Array(n).fill(NaN);
  for (let i = start + signal - 1; i < n; i++) hist[i] = line[i] - sig[i];
  return [line, sig, hist];
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
  compute: (feed, p, source = 'close') => macd(priceSource(feed, source), p.fast, p.slow, p.signal),
};
