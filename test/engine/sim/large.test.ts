import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/sim/simulate.js';
import type { SimConfig } from '../../../src/engine/sim/types.js';
import { randomFeed } from '../../helpers/random-feed.js';

// 140,000 random 15m bars (the GA's workload size): accounting identities that must hold whatever the
// path, plus a timing printout (not asserted: the machine is shared).
const N = 140_000;
const feed = randomFeed(N, 'sim-large', '15m', 900_000);
const rng = seedrandom('signals');
const longEntry = new Uint8Array(N);
const shortEntry = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  const u = rng();
  if (u < 0.01) longEntry[i] = 1;
  else if (u < 0.02) shortEntry[i] = 1;
}
const config: SimConfig = {
  cash: 10_000,
  feeBps: 10,
  slippageBps: 5,
  sizing: { mode: 'all-in', wholeUnits: false },
  exits: {
    onOpposite: true,
    stopLoss: { kind: 'pct', value: 0.03 },
    takeProfit: { kind: 'pct', value: 0.06 },
    trailingStop: { kind: 'pct', value: 0.04 },
    timeStopBars: 200,
  },
  allowLong: true,
  allowShort: true,
};

describe('simulate on 140k random bars', () => {
  const before = [feed.open, feed.high, feed.low, feed.close].map((a) => a.slice());
  const r = simulate(feed, { longEntry, shortEntry }, config);
  const t = r.trades;

  it('final equity = cash + sum of trade pnl; trades are sequential and inside the feed', () => {
    expect(t.count).toBeGreaterThan(500);
    let sum = 0;
    for (let k = 0; k < t.count; k++) {
      sum += t.pnl[k];
      expect(t.entryBar[k]).toBeGreaterThan(0);
      expect(t.exitBar[k]).toBeGreaterThanOrEqual(t.entryBar[k]);
      if (k > 0) expect(t.entryBar[k]).toBeGreaterThanOrEqual(t.exitBar[k - 1]);
      // Entries are market fills at the open, slipped against the trade.
      const o = feed.open[t.entryBar[k]];
      expect(t.entryPrice[k]).toBeCloseTo(t.direction[k] === 1 ? o * 1.0005 : o * 0.9995, 9);
      // Every exit price lies within its bar's range, slippage aside.
      expect(t.exitPrice[k]).toBeLessThanOrEqual(feed.high[t.exitBar[k]] * 1.0005 + 1e-9);
      expect(t.exitPrice[k]).toBeGreaterThanOrEqual(feed.low[t.exitBar[k]] * 0.9995 - 1e-9);
    }
    expect(r.equity[N - 1]).toBeCloseTo(config.cash + sum, 6);
  });

  it('leaves the feed untouched', () => {
    let changed = 0;
    [feed.open, feed.high, feed.low, feed.close].forEach((a, k) => {
      for (let i = 0; i < N; i++) if (!Object.is(a[i], before[k][i])) changed++;
    });
    expect(changed).toBe(0);
  });
});
