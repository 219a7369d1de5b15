import type { FeatureDef } from '../types.js';
import { nanFill, outputArrays } from './outputs.js';

export const vwapWarmup = (window: number): number => window - 1;

/**
 * Rolling VWAP: sum(tp * volume) / sum(volume) over the last `window` bars, tp = (high + low + close) / 3.
 * technicalindicators' VWAP is the cumulative (session-less) form; with window >= bar index + 1 the two
 * coincide, and tests check the rolling form against a naive window scan. A window with zero total volume
 * gives NaN (the price is undefined there, and no reference defines a fallback); a window holding a NaN
 * yields NaN.
 *
 * One pass: both window sums are rollingSumInto's (rolling.ts) step for step (same additions, subtractions,
 * zero counts and exact resync every `window` bars); tp * volume lives in a ring of `window` slots (bar j in
 * slot j % window), the volume sum reads the feed's column, so no n-sized scratch is written.
 */
export function vwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  window: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  const n = close.length;
  nanFill(out, 0, window - 1);
  const ring = new Float64Array(window);
  let pvSum = 0;
  let pvNaN = 0;
  let pvNonzero = 0;
  let vSum = 0;
  let vNaN = 0;
  let vNonzero = 0;
  let phase = 0; // (i - (window - 1)) % window once the first window is full: 0 means resync
  let slot = 0;
  for (let i = 0; i < n; i++, slot = slot + 1 === window ? 0 : slot + 1) {
    const v = volume[i];
    const pv = ((high[i] + low[i] + close[i]) / 3) * v;
    if (pv !== pv) pvNaN++;
    else if (pv !== 0) {
      pvSum += pv;
      pvNonzero++;
    }
    if (v !== v) vNaN++;
    else if (v !== 0) {
      vSum += v;
      vNonzero++;
    }
    if (i >= window) {
      const op = ring[slot]; // bar i - window leaves
      if (op !== op) pvNaN--;
      else if (op !== 0) {
        pvSum -= op;
        pvNonzero--;
      }
      const ov = volume[i - window];
      if (ov !== ov) vNaN--;
      else if (ov !== 0) {
        vSum -= ov;
        vNonzero--;
      }
    }
    ring[slot] = pv;
    if (i < window - 1) continue;
    if (pvNonzero === 0) pvSum = 0;
    else if (phase === 0) {
      pvSum = 0;
      let s = slot + 1 === window ? 0 : slot + 1;
      for (let c = 0; c < window; c++) {
        const w = ring[s];
        if (w === w) pvSum += w;
        s = s + 1 === window ? 0 : s + 1;
      }
    }
    if (vNonzero === 0) vSum = 0;
    else if (phase === 0) {
      vSum = 0;
      for (let j = i - window + 1; j <= i; j++) {
        const w = volume[j];
        if (w === w) vSum += w;
      }
    }
    phase = phase + 1 === window ? 0 : phase + 1;
    // NaN written 0 / 0 (a constant, folded by the parser): a `NaN` literal in a branch that never ran made
    // V8 box these values on every bar (see prime.ts).
    const ps = pvNaN === 0 ? pvSum : 0 / 0;
    const vs = vNaN === 0 ? vSum : 0 / 0;
    out[i] = vs === 0 ? 0 / 0 : ps / vs;
  }
  return out;
}

export const VWAP: FeatureDef = {
  name: 'vwap',
  kind: 'indicator',
  description: 'Rolling volume-weighted average price (typical price)',
  params: [{ name: 'window', kind: 'int', default: 20, min: 1, max: 1000 }],
  outputs: ['value'],
  warmup: (p) => vwapWarmup(p.window),
  compute: (feed, p, _source, out) => {
    const o = outputArrays(out, 1, feed.length);
    vwap(feed.high, feed.low, feed.close, feed.volume, p.window, o[0]);
    return o;
  },
};
