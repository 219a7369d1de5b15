import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { sma } from '../../../src/engine/indicators/sma.js';
import { computeMetrics } from '../../../src/engine/metrics/metrics.js';
import { simulate } from '../../../src/engine/sim/simulate.js';
import type { SimConfig } from '../../../src/engine/sim/types.js';
import type { Feed } from '../../../src/engine/types.js';

// backtesting.py's published SmaCross statistics on GOOG (backtesting/test/_test.py, test_compute_stats,
// "also used on the website"; the same figures are in ../shared/data/README.md):
// SMA(10) x SMA(30) on close, close-and-reverse, cash 10,000, no commission, all-in whole shares
// (buy()/sell() with size 1 - eps), market orders at the next open, finalize_trades=True.
//
// Where forge's conventions meet backtesting.py's, and where they differ:
// - Fills: identical (next open). Sizing: backtesting.py buys int(margin_available * (1 - eps) // price);
//   forge buys floor(cash / (price * (1 + fee))). They differ only when cash / price is an exact
//   integer (backtesting.py then buys one share fewer); that never happens on this data.
// - End of data: backtesting.py's finalize_trades re-runs the broker on the last bar, so the last trade
//   is closed at the last bar's OPEN (797.80), not its close (806.19). forge's default is the close;
//   `endOfDataFill: 'open'` reproduces the reference. With the close the final equity would be
//   51,422.99 + 64 shares x 8.39 = 51,959.95.
// - Sharpe: backtesting.py annualises the geometric mean daily return, (1 + g)^252 - 1, over its
//   compounded volatility; GOOG has no weekend bars, so both use 252 periods a year and per-bar
//   returns equal its daily returns. (For 24/7 markets forge uses 365.25 days, backtesting.py 365.)
// - Buy & hold: backtesting.py starts it at the longest indicator's warm-up (bar 29 for SMA(30));
//   forge takes that bar as `firstBar` (default 0, the whole feed).
// - Profit factor: backtesting.py divides summed trade RETURNS (2.16795); forge divides money
//   (gross profit / gross loss). Both are checked below.
// - Max drawdown duration: backtesting.py reports time (584 days); forge reports bars and days.
// - Returns are fractions in forge, percentages in backtesting.py.

const FILE = fileURLToPath(new URL('../../../../shared/data/GOOG_1d.csv', import.meta.url));
const DAY = 86_400_000;

function readGoog(): Feed {
  const lines = fs.readFileSync(FILE, 'utf8').trim().split('\n').slice(1);
  const n = lines.length;
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  const [time, open, high, low, close, volume] = cols;
  lines.forEach((line, i) => {
    const p = line.split(',');
    time[i] = Date.parse(`${p[0]}T00:00:00Z`);
    for (let c = 1; c <= 5; c++) cols[c][i] = Number(p[c]);
  });
  return { tf: '1d', tfMs: DAY, time, open, high, low, close, volume, length: n };
}

function runReference() {
  const feed = readGoog();
  const n = feed.length;
  const fast = sma(feed.close, 10);
  const slow = sma(feed.close, 30);
  // backtesting.lib.crossover: a[-2] < b[-2] and a[-1] > b[-1] (strict both sides; NaN compares false).
  const longEntry = new Uint8Array(n);
  const shortEntry = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    longEntry[i] = fast[i - 1] < slow[i - 1] && fast[i] > slow[i] ? 1 : 0;
    shortEntry[i] = slow[i - 1] < fast[i - 1] && slow[i] > fast[i] ? 1 : 0;
  }
  const config: SimConfig = {
    cash: 10_000,
    feeBps: 0,
    slippageBps: 0,
    sizing: { mode: 'all-in', wholeUnits: true },
    exits: { onOpposite: true },
    allowLong: true,
    allowShort: true,
    endOfDataFill: 'open',
  };
  const result = simulate(feed, { longEntry, shortEntry }, config);
  const m = computeMetrics(feed, result, config, { firstBar: 29 });
  return { feed, n, longEntry, shortEntry, result, m, t: result.trades };
}

describe.skipIf(!fs.existsSync(FILE))(`GOOG SmaCross reference (skipped: ${FILE} absent)`, () => {
  // Built in beforeAll so that a missing file skips the suite instead of failing its collection.
  let feed: Feed, n: number, longEntry: Uint8Array, shortEntry: Uint8Array;
  let result: ReturnType<typeof simulate>,
    m: ReturnType<typeof computeMetrics>,
    t: ReturnType<typeof simulate>['trades'];
  beforeAll(() => {
    ({ feed, n, longEntry, shortEntry, result, m, t } = runReference());
  });

  it('has 2,148 bars and no weekend bars (so 252 periods a year)', () => {
    expect(n).toBe(2148);
    expect(m.barsPerYear).toBe(252);
  });

  it('reproduces trade count, final equity to the cent and return', () => {
    expect(m.trades).toBe(66);
    expect(m.finalEquity.toFixed(2)).toBe('51422.99');
    expect(m.totalReturn * 100).toBeCloseTo(414.2299, 4);
    expect(result.rejectedCount).toBe(0);
  });

  it('reproduces the published ratios to 1e-4', () => {
    expect(m.winRate * 100).toBeCloseTo(46.9697, 4);
    expect(m.maxDrawdown * 100).toBeCloseTo(-47.9801, 4);
    expect(m.sharpe).toBeCloseTo(0.5806, 4);
    expect(m.buyHoldReturn * 100).toBeCloseTo(522.0602, 4);
  });

  it('matches the rest of backtesting.py test_compute_stats', () => {
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6 * Math.max(1, Math.abs(b)));
    close(m.returnAnn * 100, 21.191099249053224);
    close(m.volatilityAnn * 100, 36.49716090702389);
    close(m.cagr * 100, 21.160245705962623);
    close(m.sharpe, 0.5806232244485349);
    close(m.sortino, 1.0853434352488662);
    close(m.calmar, 0.44166409202994605);
    close(m.avgDrawdown * 100, -5.925851581948801);
    close(m.equityPeak, 75787.44);
    close(m.exposure * 100, 96.74115456238361);
    close(m.bestTrade * 100, 53.59595229490424);
    close(m.worstTrade * 100, -18.39887353835481);
    close(m.avgTradeReturn * 100, 2.531715975158555);
    close(m.expectancy * 100, 3.2748078066748834);
    close(m.sqn, 1.0766187356697705);
    close(m.kelly, 0.1518705127029717);
    expect(m.maxDrawdownDurationDays).toBe(584);
    // Profit factor, backtesting.py's definition on returns, then forge's on money.
    let posR = 0,
      negR = 0,
      win = 0,
      loss = 0;
    for (let k = 0; k < t.count; k++) {
      if (t.returnPct[k] > 0) posR += t.returnPct[k];
      else negR -= t.returnPct[k];
      if (t.pnl[k] > 0) win += t.pnl[k];
      else loss -= t.pnl[k];
    }
    close(posR / negR, 2.167945974262033);
    close(m.profitFactor, win / loss);
  });

  it('trades alternate long/short, each entering at the open after a cross', () => {
    let cashBefore = 10_000;
    for (let k = 0; k < t.count; k++) {
      // All-in: floor(cash / price) shares, and cash / price is never a whole number here, so
      // backtesting.py's (1 - eps) factor changes nothing.
      expect(t.size[k]).toBe(Math.floor(cashBefore / t.entryPrice[k]));
      expect(Number.isInteger(cashBefore / t.entryPrice[k])).toBe(false);
      cashBefore += t.pnl[k];
      expect(t.entryPrice[k]).toBe(feed.open[t.entryBar[k]]);
      const signalBar = t.entryBar[k] - 1;
      expect(t.direction[k] === 1 ? longEntry[signalBar] : shortEntry[signalBar]).toBe(1);
      if (k > 0) expect(t.direction[k]).toBe(-t.direction[k - 1]);
    }
    expect(t.exitBar[t.count - 1]).toBe(n - 1);
  });
});
