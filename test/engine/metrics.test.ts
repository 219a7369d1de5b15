import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/engine/metrics/metrics.js';
import { periodsPerYear } from '../../src/engine/metrics/periods.js';
import type { SimConfig, SimResult } from '../../src/engine/sim/types.js';
import type { Feed } from '../../src/engine/types.js';

const DAY = 86_400_000;
const H = 3_600_000;

function feedAt(times: number[], close: number[], tf = '1d', tfMs = DAY): Feed {
  const c = Float64Array.from(close);
  return {
    tf,
    tfMs,
    time: Float64Array.from(times),
    open: c,
    high: c,
    low: c,
    close: c,
    volume: new Float64Array(c.length),
    length: c.length,
  };
}

const config: SimConfig = {
  cash: 100,
  feeBps: 0,
  slippageBps: 0,
  sizing: { mode: 'all-in', wholeUnits: false },
  exits: { onOpposite: true },
  allowLong: true,
  allowShort: true,
};

describe('computeMetrics on a hand-computed equity curve', () => {
  // Five daily bars, per-bar returns +10 %, -10 %, 0, +20 %:
  // equity 100, 110, 99, 99, 118.8. Running peak 100, 110, 110, 110, 118.8;
  // drawdown 0, 0, 10 %, 10 %, 0 -> max -10 %, one period from bar 1 to bar 4: 3 bars, 3 days.
  // Trades (written directly): pnl 10, -5, 20 on bars [0,1], [1,2] (a reversal sharing bar 1), [4,4].
  const t0 = Date.UTC(2024, 0, 1);
  const feed = feedAt(
    [0, 1, 2, 3, 4].map((i) => t0 + i * DAY),
    [50, 55, 52, 60, 64],
  );
  const result: SimResult = {
    equity: Float64Array.from([100, 110, 99, 99, 118.8]),
    trades: {
      count: 3,
      direction: Int8Array.from([1, -1, 1]),
      entryBar: Int32Array.from([0, 1, 4]),
      exitBar: Int32Array.from([1, 2, 4]),
      entryPrice: Float64Array.from([1, 1, 1]),
      exitPrice: Float64Array.from([1, 1, 1]),
      size: Float64Array.from([1, 1, 1]),
      pnl: Float64Array.from([10, -5, 20]),
      returnPct: Float64Array.from([0.1, -0.05, 0.2]),
      fees: Float64Array.from([0.5, 0.25, 1]),
      exitReason: new Uint8Array(3),
    },
    rejectedBar: new Int32Array(0),
    rejectedStatus: new Uint8Array(0),
    rejectedCount: 0,
  };
  // Annualisation stated: 4 periods a year, so returnAnn = (1 + g)^4 - 1 = 1.1 * 0.9 * 1.0 * 1.2 - 1 = 0.188 exactly.
  const m = computeMetrics(feed, result, config, { barsPerYear: 4 });

  it('returns', () => {
    expect(m.finalEquity).toBe(118.8);
    expect(m.totalReturn).toBeCloseTo(0.188, 12);
    expect(m.returnAnn).toBeCloseTo(0.188, 12);
    // 4 days = 4 / 365.25 years.
    expect(m.years).toBeCloseTo(4 / 365.25, 15);
    expect(m.cagr / (1.188 ** (365.25 / 4) - 1)).toBeCloseTo(1, 12);
    expect(m.buyHoldReturn).toBeCloseTo(64 / 50 - 1, 12);
  });

  it('drawdown and its duration', () => {
    expect(m.maxDrawdown).toBeCloseTo(-0.1, 12);
    expect(m.avgDrawdown).toBeCloseTo(-0.1, 12);
    expect(m.maxDrawdownDuration).toBe(3);
    expect(m.maxDrawdownDurationDays).toBe(3);
    expect(m.equityPeak).toBe(118.8);
  });

  it('volatility, Sharpe, Sortino, Calmar with 4 periods a year', () => {
    // mean r = 0.05; deviations .05, -.15, -.05, .15 -> sum sq .05, ddof 1 -> var = .05 / 3.
    // 1 + g = 1.188^(1/4). vol = sqrt((var + (1+g)^2)^4 - (1+g)^8) = 0.2971945968...
    // Sharpe = 0.188 / 0.2971946 = 0.63258216.
    // Downside: mean(min(r,0)^2) = .01 / 4 = .0025 -> .05, x sqrt(4) = 0.1 -> Sortino 1.88.
    // Calmar = 0.188 / 0.1 = 1.88.
    expect(m.volatilityAnn).toBeCloseTo(0.2971945968422286, 10);
    expect(m.sharpe).toBeCloseTo(0.6325821599637068, 10);
    expect(m.sortino).toBeCloseTo(1.88, 10);
    expect(m.calmar).toBeCloseTo(1.88, 10);
  });

  it('trade statistics', () => {
    expect(m.trades).toBe(3);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(30 / 5, 12); // gross profit 30 / gross loss 5
    expect(m.avgTrade).toBeCloseTo(25 / 3, 12);
    expect(m.expectancy).toBeCloseTo(0.25 / 3, 12); // (0.1 - 0.05 + 0.2) / 3
    expect(m.avgTradeReturn).toBeCloseTo(Math.cbrt(1.1 * 0.95 * 1.2) - 1, 12);
    expect(m.bestTrade).toBe(0.2);
    expect(m.worstTrade).toBe(-0.05);
    // SQN: mean 8.333, std (ddof 1) sqrt((1.667^2 + 13.333^2 + 11.667^2) / 2) = 12.583057 -> sqrt(3) * 8.333 / 12.583 = 1.1470787.
    expect(m.sqn).toBeCloseTo(1.1470786693528088, 10);
    // Kelly: 2/3 - (1/3) / (avg win 15 / avg loss 5) = 0.5556.
    expect(m.kelly).toBeCloseTo(2 / 3 - 1 / 9, 12);
    // Exposure: bars 0-1, 1-2 (bar 1 shared), 4 -> bars 0, 1, 2, 4 = 4 of 5.
    expect(m.exposure).toBeCloseTo(0.8, 12);
    expect(m.totalFees).toBeCloseTo(1.75, 12);
    expect(m.tradesPerYear).toBeCloseTo(3 / (4 / 365.25), 9);
  });

  it('a curve that never recovers: the period runs to the last bar', () => {
    // 100, 120 (peak), 90, 108: one period from bar 1 to bar 3 = 2 bars, deepest 1 - 90/120 = 25 %.
    const f = feedAt(
      [0, 1, 2, 3].map((i) => t0 + i * DAY),
      [1, 1, 1, 1],
    );
    const r = { ...result, equity: Float64Array.from([100, 120, 90, 108]), trades: { ...result.trades, count: 0 } };
    const mm = computeMetrics(f, r, config, { barsPerYear: 252 });
    expect(mm.maxDrawdown).toBeCloseTo(-0.25, 12);
    expect(mm.maxDrawdownDuration).toBe(2);
    expect(mm.trades).toBe(0);
    expect(mm.winRate).toBeNaN();
    expect(mm.profitFactor).toBeNaN();
  });
});

describe('periodsPerYear', () => {
  const monday = Date.UTC(2024, 0, 1); // a Monday
  const days = (n: number, skipWeekends: boolean, tfMs = DAY, perDay = 1): number[] => {
    const out: number[] = [];
    for (let d = 0; out.length < n; d++) {
      const dow = (d % 7) + 1; // 1 = Monday ... 7 = Sunday
      if (skipWeekends && dow >= 6) continue;
      for (let k = 0; k < perDay && out.length < n; k++) out.push(monday + d * DAY + k * tfMs);
    }
    return out;
  };
  const ones = (n: number) => new Array<number>(n).fill(1);

  it('daily bars of a market closed at weekends: 252', () => {
    expect(periodsPerYear(feedAt(days(100, true), ones(100)))).toBe(252);
  });
  it('daily bars of a 24/7 market: 365.25', () => {
    expect(periodsPerYear(feedAt(days(100, false), ones(100)))).toBeCloseTo(365.25, 12);
  });
  it('hourly 24/7: 8766; hourly 24/5 (forex): 252 x 24', () => {
    expect(periodsPerYear(feedAt(days(2400, false, H, 24), ones(2400), '1h', H))).toBeCloseTo(8766, 9);
    expect(periodsPerYear(feedAt(days(2400, true, H, 24), ones(2400), '1h', H))).toBeCloseTo(252 * 24, 9);
  });
  it('weekly bars use calendar time', () => {
    expect(
      periodsPerYear(
        feedAt(
          [0, 7, 14].map((w) => monday + w * DAY),
          [1, 1, 1],
          '1w',
          7 * DAY,
        ),
      ),
    ).toBeCloseTo(365.25 / 7, 12);
  });
});
