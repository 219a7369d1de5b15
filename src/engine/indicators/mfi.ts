import type { FeatureDef } from '../types.js';
import { nanFill, outputArrays } from './outputs.js';

export const mfiWarmup = (period: number): number => period;

/**
 * Money flow index. Raw flow at bar j >= 1 is tp * volume (tp = (high + low + close) / 3), counted as
 * positive when tp rises against bar j - 1, negative when it falls, and in neither when tp is
 * unchanged (TA-Lib); MFI = 100 * positive / (positive + negative) over the last `period` flows, first
 * at bar `period` (TA-Lib lookback). technicalindicators' MFI agrees on every bar where both are
 * defined and no tp tie lies in the window, except that it rounds to 2 decimals, counts a tie as
 * negative flow and starts one bar later. No flow at all (zero volume) gives 0 as in TA-Lib. A window
 * holding a NaN yields NaN.
 *
 * One pass: the two window sums are rollingSumInto's (rolling.ts) with `start` 1, step for step (the
 * same additions, subtractions, zero counts and exact resync every `period` bars), fused with the flows,
 * which live in two rings of `period` slots (flow j in slot j % period) instead of n-sized series.
 *
 * Zeros are added and subtracted instead of skipped, with no branch: a running sum that starts at +0 and
 * only ever adds or subtracts values is never -0 (x + y is -0 only when both are -0, x - y only when x is
 * -0 and y +0), and for any other sum s, s + 0, s + -0, s - 0 and s - -0 are s itself, bit for bit. So the
 * sums are rollingSumInto's exactly; only NaN (rare, so a predictable branch) is kept out of them.
 */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  const n = close.length;
  nanFill(out, 0, period);
  const posRing = new Float64Array(period);
  const negRing = new Float64Array(period);
  let posSum = 0;
  let posNaN = 0;
  let posNonzero = 0;
  let negSum = 0;
  let negNaN = 0;
  let negNonzero = 0;
  let phase = 0; // (i - period) % period once i >= period: 0 means resync
  // NaN written 0 / 0 here and below (a constant, folded by the parser): a `NaN` literal in a branch that
  // never ran made V8 box prevTp, and the sums, on every bar (see prime.ts).
  let prevTp = n > 0 ? (high[0] + low[0] + close[0]) / 3 : 0 / 0;
  let slot = 1 % period;
  for (let i = 1; i < n; i++, slot = slot + 1 === period ? 0 : slot + 1) {
    const tp = (high[i] + low[i] + close[i]) / 3;
    const flow = tp * volume[i];
    let p: number;
    let q: number;
    if (flow - flow === 0 && prevTp === prevTp) {
      // Finite flow: the direction as a 0/1 factor, no branch (whether tp rose is a coin flip on market
      // data). A flow times 0 is a zero of either sign where the definition says 0: see the note above.
      p = flow * +(tp > prevTp);
      q = flow * +(tp < prevTp);
    } else if (flow !== flow || prevTp !== prevTp) p = q = 0 / 0;
    else {
      p = tp > prevTp ? flow : 0; // an infinite flow times 0 would be NaN
      q = tp < prevTp ? flow : 0;
    }
    prevTp = tp;
    if (p !== p) posNaN++;
    else {
      posSum += p;
      posNonzero += +(p !== 0);
    }
    if (q !== q) negNaN++;
    else {
      negSum += q;
      negNonzero += +(q !== 0);
    }
    if (i > period) {
      const op = posRing[slot]; // flow i - period leaves
      if (op !== op) posNaN--;
      else {
        posSum -= op;
        posNonzero -= +(op !== 0);
      }
      const oq = negRing[slot];
      if (oq !== oq) negNaN--;
      else {
        negSum -= oq;
        negNonzero -= +(oq !== 0);
      }
    }
    posRing[slot] = p;
    negRing[slot] = q;
    if (i < period) continue;
    if (posNonzero === 0) posSum = 0;
    else if (phase === 0) posSum = ringSum(posRing, slot);
    if (negNonzero === 0) negSum = 0;
    else if (phase === 0) negSum = ringSum(negRing, slot);
    phase = phase + 1 === period ? 0 : phase + 1;
    const ps = posNaN === 0 ? posSum : 0 / 0;
    const ns = negNaN === 0 ? negSum : 0 / 0;
    const total = ps + ns;
    out[i] = total === 0 ? 0 : (100 * ps) / total;
  }
  return out;
}

/** Sum of a full ring's non-NaN values, oldest (the slot after `newest`) first: the window in bar order. */
function ringSum(ring: Float64Array, newest: number): number {
  const len = ring.length;
  let s = newest + 1 === len ? 0 : newest + 1;
  let sum = 0;
  for (let c = 0; c < len; c++) {
    const w = ring[s];
    if (w === w) sum += w;
    s = s + 1 === len ? 0 : s + 1;
  }
  return sum;
}

export const MFI: FeatureDef = {
  name: 'mfi',
  kind: 'indicator',
  description: 'Money flow index',
  params: [{ name: 'period', kind: 'int', default: 14, min: 2, max: 200 }],
  outputs: ['value'],
  warmup: (p) => mfiWarmup(p.period),
  compute: (feed, p, _source, out) => {
    const o = outputArrays(out, 1, feed.length);
    mfi(feed.high, feed.low, feed.close, feed.volume, p.period, o[0]);
    return o;
  },
};
