import { describe, expect, it } from 'vitest';
import { equityStats, leanMetrics, type MetricRecord } from '../../../src/engine/metrics/lean.js';
import { computeMetrics } from '../../../src/engine/metrics/metrics.js';
import { EquityAcc } from '../../../src/engine/sim/equity-run.js';
import { simulate, simulateGeneral } from '../../../src/engine/sim/simulate.js';
import { SimScratch } from '../../../src/engine/sim/trades.js';
import type { SimResult } from '../../../src/engine/sim/types.js';
import { firstDiff, randomFeed, randomPlainConfig, randomSignals, rngOf, type Rng } from '../sim/random-sim.js';

// leanMetrics is the GA's computeMetrics: the 15 MetricRecord fields only, from one pass (or from the
// sums the simulator accumulated). Every field must be computeMetrics' number bit for bit; so must
// the running accumulator (EquityAcc, with its drawdown shortcut) against equityStats over the curve,
// on curves with NaN, infinite, zero and negative values.

const FIELDS: (keyof MetricRecord)[] = [
  'totalReturn',
  'cagr',
  'returnAnn',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdown',
  'winRate',
  'profitFactor',
  'trades',
  'exposure',
  'buyHoldReturn',
  'finalEquity',
  'barsPerYear',
  'years',
];

function recordDiff(lean: MetricRecord, full: Record<string, number>): string | null {
  if (Object.keys(lean).join() !== FIELDS.join()) return `keys ${Object.keys(lean).join()}`;
  for (const k of FIELDS) if (!Object.is(lean[k], full[k])) return `${k}: ${lean[k]} vs ${full[k]}`;
  return null;
}

/** A random curve: a walk with flat stretches, drops to zero or below, NaN and infinite values. */
function randomCurve(rng: Rng, n: number): Float64Array {
  const eq = new Float64Array(n);
  let e = 1000;
  for (let i = 0; i < n; i++) {
    const u = rng();
    if (u < 0.3) {
      // flat (a strategy out of the market)
    } else if (u < 0.33) e = [NaN, Infinity, -Infinity, 0, -5, 1e-320, 1e308][Math.floor(rng() * 7)];
    else if (u < 0.36)
      e = 500 + rng() * 1000; // recovery from anything
    else e = e * Math.exp((rng() - 0.5) * 0.1);
    eq[i] = e;
  }
  if (n > 0 && rng() < 0.5) eq[0] = 1000;
  return eq;
}

describe('EquityAcc accumulates equityStats exactly', () => {
  it('on 2,000 random curves with NaN, infinite, zero and negative equity', () => {
    for (let k = 0; k < 2000; k++) {
      const rng = rngOf(`curve-${k}`);
      const eq = randomCurve(rng, Math.floor(rng() * 200));
      const acc = new EquityAcc();
      for (const e of eq) acc.add(e);
      const d = firstDiff(Object.values(acc.stats()), Object.values(equityStats(eq)));
      expect(d, `curve-${k}: ${d}`).toBeNull();
    }
  });

  it('a hand-worked curve: returns, downside and the deepest drawdown', () => {
    // 100 -> 110 -> 99 -> 121: r = 0.1, -0.1, 0.2222..; shift = r[1] = 0.1; drawdowns 0, 0.1, 0.
    const s = equityStats(Float64Array.from([100, 110, 99, 121]));
    expect(s.bars).toBe(4);
    expect(s.maxDd).toBeCloseTo(0.1, 15);
    expect(s.down2x4).toBeCloseTo(4 * 0.01, 15); // (r - |r|)^2 = (2r)^2 for the one negative r
    expect(s.sum).toBeCloseTo(0 + -0.2 + (121 / 99 - 1 - 0.1), 14);
    expect(s.nonPositive).toBe(0);
  });
});

describe('leanMetrics equals computeMetrics on the MetricRecord fields, bit for bit', () => {
  it('on 300 random backtests (general and plain loop results, with and without the stored curve)', () => {
    const lean = new SimScratch();
    lean.keepEquity = false;
    for (let k = 0; k < 300; k++) {
      const rng = rngOf(`lean-${k}`);
      const n = 2 + Math.floor(rng() * 1500);
      const feed = randomFeed(rng, n, k % 4 === 0 ? 0.03 : 0);
      const signals = randomSignals(rng, n);
      const config = randomPlainConfig(rng);
      const opts = { firstBar: Math.floor(rng() * n) };
      const general = simulateGeneral(feed, signals, config);
      const full = computeMetrics(feed, general, config, opts) as unknown as Record<string, number>;
      for (const result of [
        general,
        simulate(feed, signals, config),
        simulate(feed, signals, config, undefined, lean),
      ]) {
        const d = recordDiff(leanMetrics(feed, result, config, opts), full);
        expect(d, `lean-${k}: ${d}`).toBeNull();
      }
    }
  });

  it('on random curves with NaN and infinite equity (the same sums both ways)', () => {
    for (let k = 0; k < 500; k++) {
      const rng = rngOf(`lean-curve-${k}`);
      const n = 1 + Math.floor(rng() * 100);
      const feed = randomFeed(rng, n, 0.05);
      const config = randomPlainConfig(rng);
      const result = simulateGeneral(feed, randomSignals(rng, n), config);
      // A curve of its own: the simulator's sums of its curve no longer apply.
      const curved: SimResult = { ...result, equity: randomCurve(rng, n), equityStats: undefined };
      const opts = { barsPerYear: [252, 8766, 1][k % 3], firstBar: k % 2 };
      const d = recordDiff(
        leanMetrics(feed, curved, config, opts),
        computeMetrics(feed, curved, config, opts) as unknown as Record<string, number>,
      );
      expect(d, `lean-curve-${k}: ${d}`).toBeNull();
    }
  });

  it('refuses sums of a curve of another length', () => {
    const rng = rngOf('len');
    const feed = randomFeed(rng, 20, 0);
    const config = randomPlainConfig(rng);
    const r = simulate(feed, randomSignals(rng, 20), config);
    expect(() => leanMetrics({ ...feed, length: 19 }, r, config)).toThrow(/internal/);
  });
});
