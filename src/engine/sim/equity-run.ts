import type { EquityStats, Signals } from './types.js';

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

  add(eq: number): void {
    if (this.bars === 0) {
      this.first = this.prev = this.peak = eq;
      this.floor = eq > 0 && eq < Infinity ? eq : Infinity;
    }
    else {
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

  stats(): EquityStats {
    return { bars: this.bars, first: this.first, last: this.prev, sum: this.sum, sumSq: this.sumSq, down2x4: this.down2x4, nonPositive: this.nonPositive, maxDd: this.maxDd };
  }
}

/** The columns a quiet run reads, and the equity curve it writes (null when the curve is not stored). */
export interface QuietInput {
  readonly close: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly equity: Float64Array | null;
  /**
   * [cash, k] of the run (k = pos * units). Passed in memory rather than as arguments: quiet() is not
   * inlined, and every double argument of a call that is not inlined is boxed in a fresh HeapNumber
   * (about 40 bytes per call, 45 KB per backtest of the peer workload, and the scavenges with them).
   */
  readonly num: Float64Array;
}

/**
 * Where simulatePlain gets its signals: stored 0/1 arrays (ArraySignals), or a play's rules evaluated
 * in place (src/engine/play/compile-rules.ts), which saves the separate pass that stores them.
 */
export interface SignalSource {
  /** The signals at bar s as bits: 1 long entry, 2 short entry, 4 long exit, 8 short exit. */
  bits(s: number): number;
  /**
   * simulatePlain's bars on which nothing happens, from bar j (>= 2) up to at most bar `last`
   * (exclusive): no signal at the bar before (unless `bust`: then signals are ignored), no infinite
   * open/high/low while in a position (`checkInf`), equity above zero while in a position. Such a bar
   * only marks equity: eq = cash + k * close[j], k = pos * units (the general loop's
   * cash + pos * units * close[j], the same product), cash and k read from x.num. Returns the first
   * bar that is not quiet.
   */
  quiet(acc: EquityAcc, x: QuietInput, j: number, last: number, inPosition: boolean, bust: boolean, checkInf: boolean): number;
}

/** Signals stored as 0/1 arrays (simulate()'s contract). */
export class ArraySignals implements SignalSource {
  private readonly longEntry: Uint8Array;
  private readonly shortEntry: Uint8Array;
  private readonly longExit: Uint8Array | null;
  private readonly shortExit: Uint8Array | null;

  constructor(signals: Signals) {
    this.longEntry = signals.longEntry;
    this.shortEntry = signals.shortEntry;
    this.longExit = signals.longExit ?? null;
    this.shortExit = signals.shortExit ?? null;
  }

  bits(s: number): number {
    return (
      (this.longEntry[s] !== 0 ? 1 : 0) | (this.shortEntry[s] !== 0 ? 2 : 0) |
      (this.longExit !== null && this.longExit[s] !== 0 ? 4 : 0) | (this.shortExit !== null && this.shortExit[s] !== 0 ? 8 : 0)
    );
  }

  quiet(acc: EquityAcc, x: QuietInput, j: number, last: number, inPosition: boolean, bust: boolean, checkInf: boolean): number {
    const { close, open, high, low, equity } = x;
    const cash = x.num[0];
    const k = x.num[1];
    const { longEntry, shortEntry, longExit, shortExit } = this;
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
    for (; j < last; j++) {
      const s = j - 1;
      if (!bust && (longEntry[s] !== 0 || shortEntry[s] !== 0 || (longExit !== null && longExit[s] !== 0) || (shortExit !== null && shortExit[s] !== 0))) break;
      if (checkInf && (open[j] === Infinity || open[j] === -Infinity || high[j] === Infinity || low[j] === -Infinity)) break;
      const eq = cash + k * close[j];
      if (inPosition && eq <= 0) break;
      if (equity !== null) equity[j] = eq;
      // equityStats' arithmetic, as in EquityAcc.add (compile-rules.ts generates the same lines).
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
    return j;
  }
}
