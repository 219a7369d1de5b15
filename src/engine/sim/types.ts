// The simulator's contract: signals in (computed by the play language at each bar's close),
// trades, an equity curve and order statuses out. Plain data over typed arrays.

/**
 * Decisions taken at bar i's close, acted on at bar i+1's open. 1 = true, 0 = false.
 * An entry while in the opposite position closes it and reverses in one fill when `exits.onOpposite`.
 */
export interface Signals {
  readonly longEntry: Uint8Array;
  readonly shortEntry: Uint8Array;
  /** Optional explicit exit rules (close the position without reversing). */
  readonly longExit?: Uint8Array;
  readonly shortExit?: Uint8Array;
}

export type StopSpec =
  | { readonly kind: 'pct'; readonly value: number } // distance as a fraction of the entry price: 0.02 = 2 %
  | { readonly kind: 'atr'; readonly value: number }; // distance in ATR multiples, ATR taken at the signal bar

export interface ExitConfig {
  /** An opposite entry signal closes the position (and reverses when that side may enter). Default true. */
  readonly onOpposite: boolean;
  readonly stopLoss?: StopSpec;
  readonly takeProfit?: StopSpec;
  readonly trailingStop?: StopSpec;
  /** Close after this many bars in the trade (at the next bar's open). */
  readonly timeStopBars?: number;
}

export type Sizing =
  | { readonly mode: 'all-in'; readonly wholeUnits: boolean } // as many units as equity buys after fees
  | { readonly mode: 'fraction'; readonly fraction: number; readonly wholeUnits: boolean } // fraction of equity
  // lose `riskFraction` of equity at the stop
  | { readonly mode: 'risk'; readonly riskFraction: number; readonly wholeUnits: boolean };

export interface SimConfig {
  readonly cash: number;
  /** Fee on each fill's notional, basis points. */
  readonly feeBps: number;
  /** Adverse price move on each market fill, basis points. */
  readonly slippageBps: number;
  readonly sizing: Sizing;
  readonly exits: ExitConfig;
  /** Which sides may be opened. */
  readonly allowLong: boolean;
  readonly allowShort: boolean;
  /**
   * Price at which a position still open at the end is closed: the last bar's 'close' (default), or its
   * 'open', which is what backtesting.py's `finalize_trades=True` does (it re-runs the broker on the
   * last bar, whose market orders fill at that bar's open); used to reproduce its published figures.
   */
  readonly endOfDataFill?: 'close' | 'open';
}

/** Why a desired order did not happen; recorded, never thrown, in the hot loop. */
export enum OrderStatus {
  Filled = 0,
  RejectedInsufficientCash = 1, // size rounds to zero units
  RejectedNoNextBar = 2, // signal on the last bar
  RejectedNoStopDistance = 3, // risk sizing without a usable stop
  RejectedInvalidPrice = 4, // NaN / non-positive fill price
}

export enum ExitReason {
  Signal = 0,
  Opposite = 1,
  StopLoss = 2,
  TakeProfit = 3,
  TrailingStop = 4,
  TimeStop = 5,
  EndOfData = 6,
  Liquidation = 7, // equity reached zero or below: closed at that bar's close, nothing more traded
}

/** Closed trades in exit order, columnar, `count` valid rows (the arrays may be longer than `count`). */
export interface TradeList {
  readonly count: number;
  readonly direction: Int8Array; // +1 long, -1 short
  readonly entryBar: Int32Array;
  readonly exitBar: Int32Array;
  readonly entryPrice: Float64Array;
  readonly exitPrice: Float64Array;
  readonly size: Float64Array; // units, always positive
  readonly pnl: Float64Array; // after both fills' fees
  readonly returnPct: Float64Array; // pnl / entry notional, a fraction (0.05 = 5 %)
  readonly fees: Float64Array;
  readonly exitReason: Uint8Array; // ExitReason
}

/** simulate() in src/engine/sim/simulate.ts documents the exact fill timing; metrics come from computeMetrics(). */
export interface SimResult {
  readonly trades: TradeList;
  /** Equity at each bar's close (cash + open position marked at close). */
  readonly equity: Float64Array;
  /** Rejected orders: bar index and OrderStatus, `rejectedCount` valid rows. */
  readonly rejectedBar: Int32Array;
  readonly rejectedStatus: Uint8Array;
  readonly rejectedCount: number;
  /**
   * The equity curve's return and drawdown sums, accumulated while simulating (simulate() always
   * sets them; computeMetrics and leanMetrics use them). With a scratch whose keepEquity is false,
   * `equity` is empty and these are all that is left of the curve: enough for leanMetrics, not for
   * computeMetrics.
   */
  readonly equityStats?: EquityStats;
}

/** Sums over an equity curve that leanMetrics needs; see equityStats() in src/engine/metrics/lean.ts. */
export interface EquityStats {
  readonly bars: number;
  readonly first: number;
  readonly last: number;
  /** Sums over k >= 1 of d = r[k] - r[1] and d^2, with r[k] = eq[k] / eq[k-1] - 1. */
  readonly sum: number;
  readonly sumSq: number;
  /** Sum of (r - |r|)^2 = 4 x min(r, 0)^2. */
  readonly down2x4: number;
  /** Bars with eq[k] / eq[k-1] <= 0. */
  readonly nonPositive: number;
  /** Deepest 1 - eq[k] / max(eq[0..k]) over k >= 1, at least 0. */
  readonly maxDd: number;
}
