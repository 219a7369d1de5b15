import { walk, walkGuarded, type EquityAcc, type QuietInput } from './equity-run.js';

/** What the hold loop reads; one per simulate() call, its numbers in `num` (see below). */
export interface HoldInput extends QuietInput {
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
 * signal and no time stop can act. Returns the first bar where the general loop's stop or target test
 * fires or equity is at or below zero, without touching that bar (the complete step redoes it), having
 * marked the bars before it (walk()), so the result is the general loop's. `dir` is +1 long, -1 short;
 * `trailing` whether a trailing stop is set; `ordered` whether the feed's bars are finite and ordered
 * (ohlc-order.ts), which lets the stop tests read fewer columns: a stop-loss alone is tested inside
 * the equity loop (walkGuarded), a stop with a target by a scan of three columns.
 */
export function hold(
  acc: EquityAcc,
  x: HoldInput,
  j: number,
  end: number,
  dir: number,
  trailing: boolean,
  ordered: boolean,
): number {
  if (ordered && !trailing) {
    // A stop-loss alone: long low <= stop, short high >= stop (negating is exact: one compare for both).
    if (x.num[H_TARGET] === dir * Infinity)
      return dir === 1
        ? walkGuarded(acc, x, j, end, x.low, -1, -x.num[H_STOP])
        : walkGuarded(acc, x, j, end, x.high, 1, x.num[H_STOP]);
    const stopBar = dir === 1 ? firstLongExitOrdered(x, j, end) : firstShortExitOrdered(x, j, end);
    return walk(acc, x, j, stopBar, true, false);
  }
  const stopBar = dir === 1 ? firstLongExit(x, j, end, trailing) : firstShortExit(x, j, end, trailing);
  return walk(acc, x, j, stopBar, true, false);
}

/**
 * firstLongExit with a target and no trailing stop on bars that are finite and ordered (ohlc-order.ts:
 * low <= open, close <= high): the open can only reach the stop if the low does, and the target only
 * if the high does, so the scan reads low, high and close. The bar it returns is the general loop's:
 * the first where any of its tests fires. trailExt, which only a trailing stop reads, is left as it was.
 */
function firstLongExitOrdered(x: HoldInput, j: number, end: number): number {
  const { high, low, close, num } = x;
  const cash = num[H_CASH];
  const k = num[H_K];
  const stopPx = num[H_STOP];
  const targetPx = num[H_TARGET];
  for (; j < end; j++) if (low[j] <= stopPx || high[j] >= targetPx || cash + k * close[j] <= 0) break;
  return j;
}

/** Mirror of firstLongExitOrdered for a short (stop above, target below). */
function firstShortExitOrdered(x: HoldInput, j: number, end: number): number {
  const { high, low, close, num } = x;
  const cash = num[H_CASH];
  const k = num[H_K];
  const stopPx = num[H_STOP];
  const targetPx = num[H_TARGET];
  for (; j < end; j++) if (high[j] >= stopPx || low[j] <= targetPx || cash + k * close[j] <= 0) break;
  return j;
}

// Two passes instead of one: the stop scan below (four columns, a few compares) and walk()'s equity
// loop each keep their values in registers; fused, the loop had more live values than registers.
// The scan stops at eq <= 0 as well so that trailExt is the one of the bar walk() stops at.

/** The general loop's long stop tests, in its order, from bar j: the first bar that exits (or end). */
function firstLongExit(x: HoldInput, j: number, end: number, trailing: boolean): number {
  const { open, high, low, close, num } = x;
  const cash = num[H_CASH];
  const k = num[H_K];
  const stopPx = num[H_STOP];
  const targetPx = num[H_TARGET];
  const trailPct = num[H_PCT];
  const trailAbs = num[H_ABS];
  let trailExt = num[H_EXT];
  for (; j < end; j++) {
    const h = high[j];
    const l = low[j];
    let stop = stopPx;
    if (trailing) {
      const t = trailExt * (1 - trailPct) - trailAbs;
      if (t > stop) stop = t;
    }
    const o = open[j];
    if (o <= stop || o >= targetPx || l <= stop || h >= targetPx || cash + k * close[j] <= 0) break;
    if (h > trailExt) trailExt = h; // the general loop's `else if (h > trailExt) trailExt = h`
  }
  num[H_EXT] = trailExt;
  return j;
}

/**
 * Mirror of firstLongExit for a short (stop above, target below, trailing from the lowest low): a
 * deliberate twin, as one loop testing the side per bar was slower; change both together.
 */
function firstShortExit(x: HoldInput, j: number, end: number, trailing: boolean): number {
  const { open, high, low, close, num } = x;
  const cash = num[H_CASH];
  const k = num[H_K];
  const stopPx = num[H_STOP];
  const targetPx = num[H_TARGET];
  const trailPct = num[H_PCT];
  const trailAbs = num[H_ABS];
  let trailExt = num[H_EXT];
  for (; j < end; j++) {
    const h = high[j];
    const l = low[j];
    let stop = stopPx;
    if (trailing) {
      const t = trailExt * (1 + trailPct) + trailAbs;
      if (t < stop) stop = t;
    }
    const o = open[j];
    if (o >= stop || o <= targetPx || h >= stop || l <= targetPx || cash + k * close[j] <= 0) break;
    if (l < trailExt) trailExt = l;
  }
  num[H_EXT] = trailExt;
  return j;
}
