import { nanFill } from './outputs.js';

/**
 * DEMA (depth 2: 2 * E1 - E2) or TEMA (depth 3: 3 * E1 - 3 * E2 + E3) into `out`, where E2 = EMA(E1),
 * E3 = EMA(E2), each seeded (SMA) on the first `period` defined values of the one before; warm-up
 * depth * (period - 1). The EMAs advance in one pass (the operations of emaInto applied `depth` times,
 * in the same order), so no intermediate series is stored. A NaN poisons everything after it. The two
 * indicators share this loop because they are the same cascade cut at a different depth; the depth test
 * is loop-invariant, so each keeps the cost of its own loop.
 */
export function emaStack(values: Float64Array, period: number, depth: 2 | 3, out: Float64Array): Float64Array {
  const n = values.length;
  const w2 = 2 * (period - 1);
  const w3 = 3 * (period - 1);
  const w = depth === 2 ? w2 : w3;
  nanFill(out, 0, w);
  if (n <= w) return out;
  const alpha = 2 / (period + 1);
  const beta = 1 - alpha;
  let seed1 = 0;
  for (let i = 0; i < period; i++) seed1 += values[i];
  let e1 = NaN;
  let seed2 = 0;
  let e2 = NaN;
  let seed3 = 0;
  let e3 = NaN;
  for (let i = period - 1; i < n; i++) {
    e1 = i === period - 1 ? seed1 / period : alpha * values[i] + beta * e1;
    if (i <= w2) {
      seed2 += e1;
      if (i < w2) continue;
      e2 = seed2 / period;
    } else e2 = alpha * e1 + beta * e2;
    if (depth === 2) {
      out[i] = 2 * e1 - e2;
      continue;
    }
    if (i <= w3) {
      seed3 += e2;
      if (i < w3) continue;
      e3 = seed3 / period;
    } else e3 = alpha * e2 + beta * e3;
    out[i] = 3 * e1 - 3 * e2 + e3;
  }
  return out;
}
