// The metric shapes, apart from the code that computes them: metrics.ts (every figure) and lean.ts
// (the GA's subset) both compute them, and metrics.ts reuses lean.ts's one-pass equity sums, so the
// types live here to keep the imports one way (lean -> types, metrics -> lean, types).

/**
 * One backtest's figures. Returns, drawdowns and rates are fractions (0.25 = 25 %), money in the
 * feed's quote currency. NaN where a figure is undefined (no trades, zero volatility, ...).
 */
export interface Metrics {
  finalEquity: number;
  equityPeak: number;
  /** finalEquity / cash - 1. */
  totalReturn: number;
  /** Geometric mean per-bar return compounded over a year: (1 + g)^P - 1 (backtesting.py's "Return (Ann.)"). */
  returnAnn: number;
  /** (finalEquity / cash)^(1 / years) - 1, years = calendar time from the first to the last bar / 365.25 days. */
  cagr: number;
  /** Annualised volatility of compounded returns, backtesting.py's formula: sqrt((var + (1+g)^2)^P - (1+g)^(2P)). */
  volatilityAnn: number;
  /** returnAnn / volatilityAnn (risk-free rate 0). */
  sharpe: number;
  /** returnAnn / (sqrt(mean(min(r, 0)^2)) * sqrt(P)). */
  sortino: number;
  /** returnAnn / |maxDrawdown|. */
  calmar: number;
  maxDrawdown: number;
  avgDrawdown: number;
  maxDrawdownDuration: number;
  maxDrawdownDurationDays: number;
  trades: number;
  /** Share of trades with pnl > 0. */
  winRate: number;
  bestTrade: number;
  worstTrade: number;
  /** Mean trade pnl, money. */
  avgTrade: number;
  /** Geometric mean of trade returns (backtesting.py's "Avg. Trade"). */
  avgTradeReturn: number;
  /** Mean trade return (fraction of entry notional). */
  expectancy: number;
  /** Gross profit / gross loss in money (backtesting.py divides summed trade returns instead). */
  profitFactor: number;
  /** Van Tharp's system quality number: sqrt(trades) * mean(pnl) / std(pnl). */
  sqn: number;
  kelly: number;
  /** Share of bars with a position, counting entry and exit bars. */
  exposure: number;
  tradesPerYear: number;
  totalFees: number;
  /** close[last] / close[firstBar] - 1. */
  buyHoldReturn: number;
  /** The P used for annualisation (see periodsPerYear). */
  barsPerYear: number;
  years: number;
}

export interface MetricsOptions {
  /** Periods per year for annualisation; default periodsPerYear(feed). */
  barsPerYear?: number;
  /**
   * First bar the strategy could trade (its indicators' warm-up), the start of buy-and-hold. Default 0.
   * backtesting.py starts buy-and-hold at its longest indicator's warm-up.
   */
  firstBar?: number;
}
