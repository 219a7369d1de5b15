import { describe, expect, it } from 'vitest';
import { equityStats } from '../../../src/engine/metrics/lean.js';
import { simulate, simulateGeneral } from '../../../src/engine/sim/simulate.js';
import { SimScratch } from '../../../src/engine/sim/trades.js';
import type { SimConfig } from '../../../src/engine/sim/types.js';
import { firstDiff, randomFeed, randomPlainConfig, randomSignals, resultDiff, rngOf } from './random-sim.js';

// simulate() runs plays without stops through simulatePlain (simulate-plain.ts), a loop shaped for
// speed. It must be the general loop's result exactly: every trade, reject and equity value bit for
// bit, on random feeds that include NaN, zero, negative and infinite prices, busts and every config
// the plain loop accepts. The general loop itself is checked by hand in simulate.test.ts and against
// backtesting.py in goog-reference.test.ts.

describe('simulatePlain equals the general loop bit for bit', () => {
  it('on 400 random feeds, signals and configs', () => {
    let plainRuns = 0;
    for (let k = 0; k < 400; k++) {
      const rng = rngOf(`plain-${k}`);
      const n = 2 + Math.floor(rng() * (k % 10 === 0 ? 3000 : 300));
      const feed = randomFeed(rng, n, k % 3 === 0 ? 0.05 : 0);
      const signals = randomSignals(rng, n);
      const config = randomPlainConfig(rng);
      const fast = simulate(feed, signals, config);
      const general = simulateGeneral(feed, signals, config);
      if (fast.equityStats !== undefined) plainRuns++;
      const d = resultDiff(fast, general);
      expect(d, `seed plain-${k}: ${d}`).toBeNull();
      // The sums accumulated on the way are those of the stored curve.
      expect(
        firstDiff(Object.values(fast.equityStats!), Object.values(equityStats(general.equity))),
        `seed plain-${k}`,
      ).toBeNull();
    }
    expect(plainRuns).toBe(400);
  });

  it('with a reused scratch, and without storing the curve', () => {
    const scratch = new SimScratch();
    const lean = new SimScratch();
    lean.keepEquity = false;
    for (let k = 0; k < 150; k++) {
      const rng = rngOf(`scratch-${k}`);
      const n = 2 + Math.floor(rng() * 2000);
      const feed = randomFeed(rng, n, k % 2 === 0 ? 0.03 : 0);
      const signals = randomSignals(rng, n);
      const config = randomPlainConfig(rng);
      const general = simulateGeneral(feed, signals, config);
      expect(resultDiff(simulate(feed, signals, config, undefined, scratch), general), `seed scratch-${k}`).toBeNull();
      const noCurve = simulate(feed, signals, config, undefined, lean);
      expect(noCurve.equity.length).toBe(0);
      expect(resultDiff(noCurve, general, false), `seed scratch-${k}`).toBeNull();
      expect(
        firstDiff(Object.values(noCurve.equityStats!), Object.values(equityStats(general.equity))),
        `seed scratch-${k}`,
      ).toBeNull();
    }
  });

  it('takes the general loop for any stop or time stop', () => {
    const rng = rngOf('stops');
    const feed = randomFeed(rng, 50, 0);
    const signals = randomSignals(rng, 50);
    const base = randomPlainConfig(rng);
    for (const exits of [
      { stopLoss: { kind: 'pct', value: 0.02 } },
      { takeProfit: { kind: 'pct', value: 0.05 } },
      { trailingStop: { kind: 'pct', value: 0.03 } },
      { timeStopBars: 3 },
    ] as const) {
      const config: SimConfig = {
        ...base,
        sizing: { mode: 'all-in', wholeUnits: false },
        exits: { onOpposite: true, ...exits },
      };
      const r = simulate(feed, signals, config);
      expect(firstDiff(Object.values(r.equityStats!), Object.values(equityStats(r.equity)))).toBeNull();
      expect(resultDiff(r, simulateGeneral(feed, signals, config))).toBeNull();
    }
  });

  it('the general loop with a scratch (stops): same result, and the sums of its curve', () => {
    const scratch = new SimScratch();
    const lean = new SimScratch();
    lean.keepEquity = false;
    for (let k = 0; k < 150; k++) {
      const rng = rngOf(`stops-${k}`);
      const n = 2 + Math.floor(rng() * 1000);
      const feed = randomFeed(rng, n, k % 3 === 0 ? 0.03 : 0);
      const signals = randomSignals(rng, n);
      const atr = Float64Array.from(feed.close, (c) => c * 0.02 * (0.5 + rng()));
      const stop = (v: number) =>
        rng() < 0.5 ? { kind: 'pct' as const, value: v } : { kind: 'atr' as const, value: 1 + v * 50 };
      const exits = {
        onOpposite: rng() < 0.8,
        stopLoss: rng() < 0.7 ? stop(0.02) : undefined,
        takeProfit: rng() < 0.5 ? stop(0.05) : undefined,
        trailingStop: rng() < 0.3 ? stop(0.03) : undefined,
        timeStopBars: rng() < 0.3 ? 5 : undefined,
      };
      const config: SimConfig = { ...randomPlainConfig(rng), exits };
      const want = simulate(feed, signals, config, atr);
      expect(resultDiff(simulate(feed, signals, config, atr, scratch), want), `stops-${k}`).toBeNull();
      const noCurve = simulate(feed, signals, config, atr, lean);
      expect(noCurve.equity.length).toBe(0);
      expect(resultDiff(noCurve, want, false), `stops-${k}`).toBeNull();
      expect(
        firstDiff(Object.values(noCurve.equityStats!), Object.values(equityStats(want.equity))),
        `stops-${k}`,
      ).toBeNull();
    }
  });

  it('a feed whose equity goes to zero: liquidation, then nothing more is traded', () => {
    // Short 1 unit at 100 with cash 100 (fraction 1, whole units): a jump to 250 makes equity negative.
    const n = 6;
    const close = [100, 100, 120, 250, 260, 270];
    const col = Float64Array.from(close);
    const feed = {
      tf: '1h',
      tfMs: 3_600_000,
      time: Float64Array.from(close, (_, i) => i * 3_600_000),
      open: col,
      high: col,
      low: col,
      close: col,
      volume: col,
      length: n,
    };
    const signals = { longEntry: new Uint8Array(n), shortEntry: Uint8Array.from([1, 0, 0, 0, 1, 0]) };
    const config: SimConfig = {
      cash: 100,
      feeBps: 0,
      slippageBps: 0,
      sizing: { mode: 'all-in', wholeUnits: true },
      exits: { onOpposite: true },
      allowLong: true,
      allowShort: true,
    };
    const r = simulate(feed, signals, config);
    expect(resultDiff(r, simulateGeneral(feed, signals, config))).toBeNull();
    // Short filled at bar 1's open (100), equity 200 - 250 = -50 at bar 3: liquidated, bust.
    expect(r.trades.count).toBe(1);
    expect(r.trades.exitBar[0]).toBe(3);
    expect([...r.equity]).toEqual([100, 100, 80, -50, -50, -50]);
  });
});
