import type { EquityStats, SimConfig, SimResult } from '../sim/types.js';
import type { Feed } from '../types.js';
import type { Metrics, MetricsOptions } from './types.js';
import { periodsPerYear } from './periods.js';

// The GA keeps 15 of computeMetrics' 31 figures per backtest. leanMetrics computes only those, from
// one pass over the equity curve (or from the sums simulate() already accumulated while it ran, see
// EquityStats) and one over the trades, with computeMetrics' formulas and operation order, so every
// figure is the same number bit for bit (test/engine/metrics/lean.test.ts compares them on random
// plays and random curves with NaN and infinite values).

/** The figures kept per evaluation (a subset of Metrics, all numbers). */
export type MetricRecord = Pick<
  Metrics,
  | 'totalReturn'
  | 'cagr'
  | 'returnAnn'
  | 'sharpe'
  | 'sortino'
  | 'calmar'
  | 'maxDrawdown'
  | 'winRate'
  | 'profitFactor'
  | 'trades'
  | 'exposure'
  | 'buyHoldReturn'
  | 'finalEquity'
  | 'barsPerYear'
  | 'years'
>;

const YEAR_MS = 365.25 * 86_400_000;

/**
 * The per-bar sums of an equity curve in one pass, shared with computeMetrics (returns r = eq[k] /
 * eq[k-1] - 1 shifted by r[1], their squares, 4 x min(r, 0)^2, the count of eq[k] / eq[k-1] <= 0)
 * and drawdownStats' deepest drawdown (1 - eq[k] / running peak, k >= 1).
 */
export function equityStats(eq: Float64Array): EquityStats {
  const n = eq.length;
  const shift = n > 1 ? eq[1] / eq[0] - 1 : 0;
  let sum = 0;
  let sumSq = 0;
  let down2x4 = 0;
  let nonPositive = 0;
  let prev = n > 0 ? eq[0] : 0;
  let peak = n > 0 ? eq[0] : NaN;
  let maxDd = 0;
  for (let k = 1; k < n; k++) {
    const e = eq[k];
    const q = e / prev;
    prev = e;
    const r = q - 1;
    const d = r - shift;
    sum += d;
    sumSq += d * d;
    const neg = r - Math.abs(r);
    down2x4 += neg * neg;
    if (q <= 0) nonPositive++;
    if (e > peak) peak = e;
    const dd = 1 - e / peak;
    if (dd > maxDd) maxDd = dd;
  }
  return {
    bars: n,
    first: n > 0 ? eq[0] : NaN,
    last: n > 0 ? eq[n - 1] : NaN,
    sum,
    sumSq,
    down2x4,
    nonPositive,
    maxDd,
  };
}

/** computeMetrics(feed, result, config, opts) restricted to the MetricRecord fields, the same numbers. */
export function leanMetrics(feed: Feed, result: SimResult, config: SimConfig, opts: MetricsOptions = {}): MetricRecord {
  const n = feed.length;
  const s = result.equityStats ?? equityStats(result.equity);
  if (s.bars !== n) throw new Error(`internal: equity of ${s.bars} bars for a feed of ${n}`);
  const cash = config.cash;
  const P = opts.barsPerYear ?? periodsPerYear(feed);
  const finalEquity = n > 0 ? s.last : cash;
  const years = n > 1 ? (feed.time[n - 1] - feed.time[0]) / YEAR_MS : 0;
  const m = n > 1 ? n - 1 : 0;
  const g = s.nonPositive > 0 || m === 0 ? 0 : (s.last / s.first) ** (1 / m) - 1;
  const variance = m > 1 ? (s.sumSq - (s.sum * s.sum) / m) / (m - 1) : NaN;
  const returnAnn = (1 + g) ** P - 1;
  const volatilityAnn = Math.sqrt((variance + (1 + g) * (1 + g)) ** P - (1 + g) ** (2 * P));
  const downside = Math.sqrt(s.down2x4 / 4 / m) * Math.sqrt(P);
  const maxDrawdown = -s.maxDd;

  const t = result.trades;
  const tc = t.count;
  let wins = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let exposed = 0;
  let prevExit = -1;
  for (let k = 0; k < tc; k++) {
    const p = t.pnl[k];
    if (p > 0) {
      wins++;
      grossWin += p;
    } else if (p < 0) grossLoss -= p;
    exposed += t.exitBar[k] - t.entryBar[k] + 1 - (t.entryBar[k] === prevExit ? 1 : 0);
    prevExit = t.exitBar[k];
  }
  const firstBar = opts.firstBar ?? 0;
  // Key order as the evaluator has always written records (run logs compare byte for byte).
  return {
    totalReturn: finalEquity / cash - 1,
    cagr: years > 0 ? (finalEquity / cash) ** (1 / years) - 1 : NaN,
    returnAnn,
    sharpe: volatilityAnn > 0 ? returnAnn / volatilityAnn : NaN,
    sortino: downside > 0 ? returnAnn / downside : NaN,
    calmar: maxDrawdown < 0 ? returnAnn / -maxDrawdown : NaN,
    maxDrawdown,
    winRate: tc > 0 ? wins / tc : NaN,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : NaN,
    trades: tc,
    exposure: n > 0 ? exposed / n : NaN,
    buyHoldReturn: n > firstBar ? feed.close[n - 1] / feed.close[firstBar] - 1 : NaN,
    finalEquity,
    barsPerYear: P,
    years,
  };
}
