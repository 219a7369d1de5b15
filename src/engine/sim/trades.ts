import type { TradeList } from './types.js';

/**
 * The simulator's closed-trade store: columnar typed arrays that double when full. Growth happens at
 * most log2(trades) times per run, so the per-bar path never allocates; `push` is monomorphic and
 * small enough for the JIT to inline. The arrays handed out in `list()` are longer than `count`.
 */
export class TradeBuffer {
  count = 0;
  direction: Int8Array;
  entryBar: Int32Array;
  exitBar: Int32Array;
  entryPrice: Float64Array;
  exitPrice: Float64Array;
  size: Float64Array;
  pnl: Float64Array;
  returnPct: Float64Array;
  fees: Float64Array;
  exitReason: Uint8Array;

  constructor(capacity = 64) {
    const c = Math.max(1, capacity | 0);
    this.direction = new Int8Array(c);
    this.entryBar = new Int32Array(c);
    this.exitBar = new Int32Array(c);
    this.entryPrice = new Float64Array(c);
    this.exitPrice = new Float64Array(c);
    this.size = new Float64Array(c);
    this.pnl = new Float64Array(c);
    this.returnPct = new Float64Array(c);
    this.fees = new Float64Array(c);
    this.exitReason = new Uint8Array(c);
  }

  /**
   * The prices of the trade the next close() records: [entryPrice, exitPrice, size, fees]. The
   * simulator's loops call close() from several places and V8 inlines only some of them; every double
   * argument of a call that is not inlined is boxed in a fresh HeapNumber (~40-150 kB of garbage per
   * backtest of 2,000 trades), so the doubles travel here and the arguments are small integers.
   */
  readonly num = new Float64Array(4);

  push(
    direction: number,
    entryBar: number,
    exitBar: number,
    entryPrice: number,
    exitPrice: number,
    size: number,
    fees: number,
    exitReason: number,
  ): void {
    const n = this.num;
    n[0] = entryPrice;
    n[1] = exitPrice;
    n[2] = size;
    n[3] = fees;
    this.close(direction, entryBar, exitBar, exitReason);
  }

  /** push() with the prices in `num`. */
  close(direction: number, entryBar: number, exitBar: number, exitReason: number): void {
    if (this.count === this.direction.length) this.grow();
    const k = this.count++;
    const n = this.num;
    const entryPrice = n[0];
    const exitPrice = n[1];
    const size = n[2];
    const fees = n[3];
    const pnl = direction * size * (exitPrice - entryPrice) - fees;
    this.direction[k] = direction;
    this.entryBar[k] = entryBar;
    this.exitBar[k] = exitBar;
    this.entryPrice[k] = entryPrice;
    this.exitPrice[k] = exitPrice;
    this.size[k] = size;
    this.pnl[k] = pnl;
    this.returnPct[k] = pnl / (size * entryPrice);
    this.fees[k] = fees;
    this.exitReason[k] = exitReason;
  }

  /** Empties the buffer for reuse (the arrays are kept). */
  reset(): void {
    this.count = 0;
  }

  private grow(): void {
    const c = this.direction.length * 2;
    this.direction = copyInto(new Int8Array(c), this.direction);
    this.entryBar = copyInto(new Int32Array(c), this.entryBar);
    this.exitBar = copyInto(new Int32Array(c), this.exitBar);
    this.entryPrice = copyInto(new Float64Array(c), this.entryPrice);
    this.exitPrice = copyInto(new Float64Array(c), this.exitPrice);
    this.size = copyInto(new Float64Array(c), this.size);
    this.pnl = copyInto(new Float64Array(c), this.pnl);
    this.returnPct = copyInto(new Float64Array(c), this.returnPct);
    this.fees = copyInto(new Float64Array(c), this.fees);
    this.exitReason = copyInto(new Uint8Array(c), this.exitReason);
  }

  list(): TradeList {
    return {
      count: this.count,
      direction: this.direction,
      entryBar: this.entryBar,
      exitBar: this.exitBar,
      entryPrice: this.entryPrice,
      exitPrice: this.exitPrice,
      size: this.size,
      pnl: this.pnl,
      returnPct: this.returnPct,
      fees: this.fees,
      exitReason: this.exitReason,
    };
  }
}

/** Rejected orders (bar, status), same doubling scheme. */
export class RejectBuffer {
  count = 0;
  bar: Int32Array;
  status: Uint8Array;

  constructor(capacity = 16) {
    this.bar = new Int32Array(capacity);
    this.status = new Uint8Array(capacity);
  }

  reset(): void {
    this.count = 0;
  }

  push(bar: number, status: number): void {
    if (this.count === this.bar.length) {
      this.bar = copyInto(new Int32Array(this.bar.length * 2), this.bar);
      this.status = copyInto(new Uint8Array(this.status.length * 2), this.status);
    }
    this.bar[this.count] = bar;
    this.status[this.count++] = status;
  }
}

function copyInto<T extends Int8Array | Uint8Array | Int32Array | Float64Array>(dst: T, src: T): T {
  dst.set(src as never);
  return dst;
}

/**
 * Buffers one owner (a GA worker's evaluator) lends to simulate() again and again, so a backtest
 * allocates nothing once they have grown to the largest run. A result simulated with a scratch is
 * valid only until the next simulate() with the same scratch: read its figures, do not keep it.
 */
export class SimScratch {
  /**
   * false: the equity curve is not stored (result.equity is empty; result.equityStats holds its sums, for
   * leanMetrics).
   */
  keepEquity = true;
  readonly trades = new TradeBuffer(256);
  readonly rejects = new RejectBuffer(16);
  private equityBuf = new Float64Array(0);

  /** An equity array of exactly n values (a view of a buffer that only grows). */
  equity(n: number): Float64Array {
    if (this.equityBuf.length < n) this.equityBuf = new Float64Array(n);
    return this.equityBuf.subarray(0, n);
  }
}
