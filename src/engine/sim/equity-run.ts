import type { EquityStats } from './types.js';

/**
 * EquityStats accumulated bar by bar while simulating, with the arithmetic of equityStats()
 * (src/engine/metrics/lean.ts) in the same order, except one shortcut: 1 - eq / peak is computed only
 * when eq is below `floor`, the lowest equity since the running peak. For a finite positive peak that
 * is exact: e / peak and 1 - x both round monotonically, so the lowest bar of a peak's stretch has its
 * deepest drawdown. With a NaN or infinite peak `floor` is +Infinity and every bar is computed, as
 * equityStats does. Only `nonPositive > 0` is ever used, but it is counted like equityStats does.
 */
export class EquityAcc {
  bars = 0;
  first = NaN;
  prev = NaN;
  shift = 0;
  sum = 0;
  sumSq = 0;
  down2x4 = 0;
  nonPositive = 0;
  peak = NaN;
  floor = NaN;
  maxDd = 0;

  reset(): this {
    this.bars = 0;
    this.first = NaN;
    this.prev = NaN;
    this.shift = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.down2x4 = 0;
    this.nonPositive = 0;
    this.peak = NaN;
    this.floor = NaN;
    this.maxDd = 0;
    return this;
  }

  add(eq: number): void {
    if (this.bars === 0) {
      this.first = this.prev = this.peak = eq;
      this.floor = eq > 0 && eq < Infinity ? eq : Infinity;
    } else {
      if (this.bars === 1) this.shift = eq / this.prev - 1;
      const q = eq / this.prev;
      this.prev = eq;
      const r = q - 1;
      const d = r - this.shift;
      this.sum += d;
      this.sumSq += d * d;
      const neg = r - Math.abs(r);
      this.down2x4 += neg * neg;
      this.nonPositive += q <= 0 ? 1 : 0;
      if (eq > this.peak) {
        this.peak = eq;
        this.floor = eq > 0 && eq < Infinity ? eq : Infinity;
      } else if (!(eq >= this.floor)) {
        const dd = 1 - eq / this.peak;
        if (dd > this.maxDd) this.maxDd = dd;
        if (eq < this.floor && this.peak > 0 && this.peak < Infinity) this.floor = eq;
      }
    }
    this.bars++;
  }

  /**
   * add(eq) `count` times. Once the first return is known (bars >= 2) with r[1] = 0, a bar whose
   * equity equals the previous one (finite, > 0) changes no sum: q = 1, r = d = 0, and adding +0 leaves
   * a sum as it is (no sum is ever -0: r = q - 1 is never -0); the peak cannot rise and the floor is
   * at or below it, so no drawdown is computed. Such bars are only counted: a flat stretch costs
   * nothing however long it is. Anything else takes add().
   */
  repeat(eq: number, count: number): void {
    if (this.bars >= 2 && this.shift === 0 && eq === this.prev && eq > 0 && eq < Infinity) this.bars += count;
    else for (let k = 0; k < count; k++) this.add(eq);
  }

  stats(): EquityStats {
    return {
      bars: this.bars,
      first: this.first,
      last: this.prev,
      sum: this.sum,
      sumSq: this.sumSq,
      down2x4: this.down2x4,
      nonPositive: this.nonPositive,
      maxDd: this.maxDd,
    };
  }
}

// The simulator's accumulator: one instance for the life of the process, reset by each simulate()
// (which runs to completion before the next can start). With an instance per call V8 held the map
// (hidden class) of its fields only weakly: at a full GC with no instance alive the map died, and every
// optimised function that had it embedded (add, repeat, walk, hold, the loops) was thrown away and
// compiled again, a few times per 100 evaluations (bench/v8-opt-count.mjs).
const SHARED = new EquityAcc();

/** The simulator's EquityAcc, emptied; valid until the next call. */
export function sharedEquityAcc(): EquityAcc {
  return SHARED.reset();
}

/** The columns a quiet run reads, and the equity curve it writes (null when the curve is not stored). */
export interface QuietInput {
  readonly close: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly equity: Float64Array | null;
  /**
   * [cash, k] of the run (k = pos * units). Passed in memory rather than as arguments: walk() is not
   * inlined, and every double argument of a call that is not inlined is boxed in a fresh HeapNumber.
   */
  readonly num: Float64Array;
}

/**
 * simulatePlain's bars j..end-1 on which no signal can act (the caller found the next signal bit):
 * each only marks equity, eq = cash + k * close[j] (the general loop's cash + pos * units * close[j],
 * the same product), and adds it to the stats with EquityAcc.add's arithmetic, inlined. Stops early
 * at a bar that is not quiet after all: equity at or below zero while in a position, or (checkInf)
 * an infinite open, high or low. Returns the first bar it did not mark.
 */
export function walk(
  acc: EquityAcc,
  x: QuietInput,
  j: number,
  end: number,
  inPosition: boolean,
  checkInf: boolean,
): number {
  if (checkInf || !inPosition) return walkChecked(acc, x, j, end, inPosition, checkInf);
  const close = x.close;
  const cash = x.num[0];
  const k = x.num[1];
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
    const eq = cash + k * close[j];
    if (eq <= 0) break;
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
  // A stored curve is written in a pass of its own over the bars just marked (the same product, so
  // the same values): a store inside the loop above slowed it by ~15 % even when no curve is kept.
  const curve = x.equity;
  if (curve !== null) for (let i = start; i < j; i++) curve[i] = cash + k * close[i];
  return j;
}

// The rare cases (infinite prices, flat with prices that are not all finite) apart:
// sharing one function with the loop above made that loop slower (more live values than registers).
function walkChecked(
  acc: EquityAcc,
  x: QuietInput,
  j: number,
  end: number,
  inPosition: boolean,
  checkInf: boolean,
): number {
  const { close, open, high, low, equity } = x;
  const cash = x.num[0];
  const k = x.num[1];
  for (; j < end; j++) {
    if (checkInf && (open[j] === Infinity || open[j] === -Infinity || high[j] === Infinity || low[j] === -Infinity))
      break;
    const eq = cash + k * close[j];
    if (inPosition && eq <= 0) break;
    if (equity !== null) equity[j] = eq;
    acc.add(eq);
  }
  return j;
}

/**
 * walk() in a position that also stops, without marking it, at the first bar where sign * g[j] >=
 * lim: hold()'s stop-loss alone on ordered bars (long: g = low, sign -1, lim = -stop, i.e. low <=
 * stop; short: g = high, sign +1, lim = stop). The same bar as the stop scan then walk() (the scan
 * stops at that test or at equity <= 0, as this loop does), in one pass: the low or high is read
 * beside the close instead of in a loop of its own (-12 % of an L5 simulate, bench/RESULTS.md).
 * A deliberate twin of walk()'s loop: walk() with an optional guard was slower on the plain path
 * and deoptimised now and then; change the two together (the simulator's equivalence tests,
 * masks.test.ts and hold-ordered.test.ts, pin both).
 */
export function walkGuarded(
  acc: EquityAcc,
  x: QuietInput,
  j: number,
  end: number,
  g: Float64Array,
  sign: number,
  lim: number,
): number {
  const close = x.close;
  const cash = x.num[0];
  const k = x.num[1];
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
    if (sign * g[j] >= lim) break;
    const eq = cash + k * close[j];
    if (eq <= 0) break;
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
  const curve = x.equity;
  if (curve !== null) for (let i = start; i < j; i++) curve[i] = cash + k * close[i];
  return j;
}
