import type { EquityAcc } from './equity-run.js';

/** What the hold loop reads; one per simulate() call, its numbers in `num` (see below). */
export interface HoldInput {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly equity: Float64Array | null;
  /**
   * [cash, k = pos * units, stop price, target price, trailExt, trailPct, trailAbs]; hold() writes
   * trailExt back. In memory, not as arguments: doubles passed to a call that is not inlined are boxed.
   */
  readonly num: Float64Array;
}

export const H_CASH = 0;
export const H_K = 1;
export const H_STOP = 2;
export const H_TARGET = 3;
export const H_EXT = 4;
export const H_PCT = 5;
export const H_ABS = 6;

/**
 * The general loop's bars j..end-1 in a position with stops, where the caller has found that no
 * signal and no time stop can act: per bar the stop and target tests of the general loop, in its
 * order and with its arithmetic (the trailing stop from the best price of the bars before), then
 * the equity mark and the stats as EquityAcc.add. Returns at the first bar where a test fires or
 * equity is at or below zero, without touching that bar (the complete step redoes it), so the result
 * is the general loop's. `dir` is +1 long, -1 short; `trailing` whether a trailing stop is set.
 */
export function hold(acc: EquityAcc, x: HoldInput, j: number, end: number, dir: number, trailing: boolean): number {
  const { open, high, low, close, equity, num } = x;
  const cash = num[H_CASH];
  const k = num[H_K];
  const stopPx = num[H_STOP];
  const targetPx = num[H_TARGET];
  const trailPct = num[H_PCT];
  const trailAbs = num[H_ABS];
  let trailExt = num[H_EXT];
  // EquityAcc's fields in locals for the loop (as in walk(), equity-run.ts): its add(), inlined.
  let prev = acc.prev;
  const shift = acc.shift;
  let sum = acc.sum;
  let sumSq = acc.sumSq;
  let down2x4 = acc.down2x4;
  let nonPositive = acc.nonPositive;
  let peak = acc.peak;
  let floor = acc.floor;
  let maxDd = acc.maxDd;
  const start = j;
  for (; j < end; j++) {
    const o = open[j];
    const h = high[j];
    const l = low[j];
    if (dir === 1) {
      let stop = stopPx;
      if (trailing) {
        const t = trailExt * (1 - trailPct) - trailAbs;
        if (t > stop) stop = t;
      }
      if (o <= stop || o >= targetPx || l <= stop || h >= targetPx) break;
    } else {
      let stop = stopPx;
      if (trailing) {
        const t = trailExt * (1 + trailPct) + trailAbs;
        if (t < stop) stop = t;
      }
      if (o >= stop || o <= targetPx || h >= stop || l <= targetPx) break;
    }
    const eq = cash + k * close[j];
    if (eq <= 0) break;
    // The general loop's `else if (h > trailExt) trailExt = h` (short: low), after no test fired.
    if (dir === 1) {
      if (h > trailExt) trailExt = h;
    } else if (l < trailExt) trailExt = l;
    if (equity !== null) equity[j] = eq;
    const q = eq / prev;
    prev = eq;
    const r = q - 1;
    const d = r - shift;
    sum += d;
    sumSq += d * d;
    const neg = r - Math.abs(r);
    down2x4 += neg * neg;
    nonPositive += q <= 0 ? 1 : 0;
    if (eq > peak) {
      peak = eq;
      floor = eq > 0 && eq < Infinity ? eq : Infinity;
    } else if (!(eq >= floor)) {
      const dd = 1 - eq / peak;
      if (dd > maxDd) maxDd = dd;
      if (eq < floor && peak > 0 && peak < Infinity) floor = eq;
    }
  }
  acc.bars += j - start;
  acc.prev = prev;
  acc.sum = sum;
  acc.sumSq = sumSq;
  acc.down2x4 = down2x4;
  acc.nonPositive = nonPositive;
  acc.peak = peak;
  acc.floor = floor;
  acc.maxDd = maxDd;
  num[H_EXT] = trailExt;
  return j;
}
