import type { SimConfig, SimResult } from '../sim/types.js';
import type { Feed } from '../types.js';
import { drawdownStats } from './drawdown.js';
import { equityStats } from './lean.js';
import { periodsPerYear } from './periods.js';
import type { Metrics, MetricsOptions } from './types.js';

export type { Metrics, MetricsOptions } from './types.js';

const YEAR_MS = 365.25 * 86_400_000;

export function computeMetrics(feed: Feed, result: SimResult, config: SimConfig, opts: MetricsOptions = {}): Metrics {
  const n = feed.length;
  const eq = result.equity;
  const cash = config.cash;
  const P = opts.barsPerYear ?? periodsPerYear(feed);
  const finalEquity = n > 0 ? eq[n - 1] : cash;
  const years = n > 1 ? (feed.time[n - 1] - feed.time[0]) / YEAR_MS : 0;

  // The per-bar return sums of leanMetrics' pass (the drawdown comes from drawdownStats): simulate()
  // accumulates them while it runs (EquityAcc, the same arithmetic in the same order), else one pass here.
  const stats =
    result.equityStats !== undefined && result.equityStats.bars === n ? result.equityStats : equityStats(eq);
  const { sum, sumSq, down2x4, nonPositive } = stats;
  const m = n > 1 ? n - 1 : 0;
  const down2 = down2x4 / 4;
  const g = nonPositive > 0 || m === 0 ? 0 : (eq[n - 1] / eq[0]) ** (1 / m) - 1;
  // Sums are of r - r[1] (shifted for precision); the variance does not change under a shift.
  const variance = m > 1 ? (sumSq - (sum * sum) / m) / (m - 1) : NaN;
  const returnAnn = (1 + g) ** P - 1;
  const volatilityAnn = Math.sqrt((variance + (1 + g) * (1 + g)) ** P - (1 + g) ** (2 * P));
  const downside = Math.sqrt(down2 / m) * Math.sqrt(P);

  const dd = drawdownStats(eq, feed.time);
  const t = result.trades;
  const tc = t.count;
  let wins = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let sumPnl = 0;
  let sumRet = 0;
  let sumLogRet = 0;
  let retNonPositive = false;
  let best = -Infinity;
  let worst = Infinity;
  let fees = 0;
  let exposed = 0;
  let prevExit = -1;
  let winCount = 0;
  let lossCount = 0;
  for (let k = 0; k < tc; k++) {
    const p = t.pnl[k];
    const r = t.returnPct[k];
    sumPnl += p;
    sumRet += r;
    if (1 + r <= 0) retNonPositive = true;
    else sumLogRet += Math.log1p(r);
    if (p > 0) {
      wins++;
      grossWin += p;
      winCount++;
    } else if (p < 0) {
      grossLoss -= p;
      lossCount++;
    }
    if (r > best) best = r;
    if (r < worst) worst = r;
    fees += t.fees[k];
    // Trades are sequential; a reversal shares its bar with the previous trade's exit.
    exposed += t.exitBar[k] - t.entryBar[k] + 1 - (t.entryBar[k] === prevExit ? 1 : 0);
    prevExit = t.exitBar[k];
  }
  const meanPnl = tc > 0 ? sumPnl / tc : NaN;
  let ssPnl = 0;
  for (let k = 0; k < tc; k++) ssPnl += (t.pnl[k] - meanPnl) ** 2;
  const stdPnl = tc > 1 ? Math.sqrt(ssPnl / (tc - 1)) : NaN;
  const winRate = tc > 0 ? wins / tc : NaN;
  const avgWin = winCount > 0 ? grossWin / winCount : NaN;
  const avgLoss = lossCount > 0 ? grossLoss / lossCount : NaN;
  const firstBar = opts.firstBar ?? 0;

  return {
    finalEquity,
    equityPeak: dd.equityPeak,
    totalReturn: finalEquity / cash - 1,
    returnAnn,
    cagr: years > 0 ? (finalEquity / cash) ** (1 / years) - 1 : NaN,
    volatilityAnn,
    sharpe: volatilityAnn > 0 ? returnAnn / volatilityAnn : NaN,
    sortino: downside > 0 ? returnAnn / downside : NaN,
    calmar: dd.maxDrawdown < 0 ? returnAnn / -dd.maxDrawdown : NaN,
    maxDrawdown: dd.maxDrawdown,
    avgDrawdown: dd.avgDrawdown,
    maxDrawdownDuration: dd.maxDrawdownDuration,
    maxDrawdownDurationDays: dd.maxDrawdownDurationDays,
    trades: tc,
    winRate,
    bestTrade: tc > 0 ? best : NaN,
    worstTrade: tc > 0 ? worst : NaN,
    avgTrade: meanPnl,
    avgTradeReturn: tc === 0 ? NaN : retNonPositive ? 0 : Math.expm1(sumLogRet / tc),
    expectancy: tc > 0 ? sumRet / tc : NaN,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : NaN,
    sqn: stdPnl > 0 ? (Math.sqrt(tc) * meanPnl) / stdPnl : NaN,
    kelly: winRate - (1 - winRate) / (avgWin / avgLoss),
    exposure: n > 0 ? exposed / n : NaN,
    tradesPerYear: years > 0 ? tc / years : NaN,
    totalFees: fees,
    buyHoldReturn: n > firstBar ? feed.close[n - 1] / feed.close[firstBar] - 1 : NaN,
    barsPerYear: P,
    years,
  };
}
