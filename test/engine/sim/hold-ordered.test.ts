import { describe, expect, it } from 'vitest';
import { simulate } from '../../../src/engine/sim/simulate.js';
import { SimScratch } from '../../../src/engine/sim/trades.js';
import type { SimConfig } from '../../../src/engine/sim/types.js';
import type { Feed } from '../../../src/engine/types.js';
import { referenceSimulate } from './reference-loop.js';
import { hourlyFeed, randomPlainConfig, randomSignals, resultDiff, rngOf, type Rng } from './random-sim.js';

// hold()'s scans for finite, ordered bars (hold.ts, ohlc-order.ts) test fewer columns than the general
// loop's stop checks. On continuous random prices a low never equals a stop exactly, so these feeds
// keep every price on a whole-number grid, with pct stops and targets that land on it (100 * 0.05 = 5):
// a bar whose low touches the stop exactly, or opens on it, happens in most runs. The oracle is the
// simulator as it was before any fast path (reference-loop.ts).

function gridFeed(rng: Rng, n: number): Feed {
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p = Math.max(20, Math.min(400, p + Math.round((rng() - 0.5) * 8)));
    const o = Math.max(10, p + Math.round((rng() - 0.5) * 4));
    open[i] = o;
    close[i] = p;
    high[i] = Math.max(o, p) + Math.floor(rng() * 4);
    low[i] = Math.min(o, p) - Math.floor(rng() * 4);
  }
  return hourlyFeed(open, high, low, close);
}

describe('stops on finite, ordered bars equal the reference loop bit for bit', () => {
  it('on 300 whole-number feeds where lows and highs touch stops and targets exactly', () => {
    const lean = new SimScratch();
    lean.keepEquity = false;
    let touched = 0;
    for (let k = 0; k < 300; k++) {
      const rng = rngOf(`hold-ordered-${k}`);
      const n = 20 + Math.floor(rng() * 600);
      const feed = gridFeed(rng, n);
      const signals = randomSignals(rng, n);
      const pct = (v: number) => ({ kind: 'pct' as const, value: v });
      const exits = {
        onOpposite: rng() < 0.8,
        stopLoss: rng() < 0.8 ? pct([0.01, 0.02, 0.05, 0.1][Math.floor(rng() * 4)]) : undefined,
        takeProfit: rng() < 0.5 ? pct([0.02, 0.05, 0.1][Math.floor(rng() * 3)]) : undefined,
        trailingStop: rng() < 0.2 ? pct(0.05) : undefined,
      };
      const config: SimConfig = { ...randomPlainConfig(rng), slippageBps: 0, exits };
      const want = referenceSimulate(feed, signals, config);
      expect(resultDiff(simulate(feed, signals, config), want), `hold-ordered-${k}`).toBeNull();
      expect(
        resultDiff(simulate(feed, signals, config, undefined, lean), want, false),
        `hold-ordered-${k} lean`,
      ).toBeNull();
      // Count exits at exactly the stop or target price on a bar that did not open through it.
      const t = want.trades;
      for (let i = 0; i < t.count; i++) {
        const bar = t.exitBar[i];
        const px = t.exitPrice[i];
        if (px !== feed.open[bar] && (px === feed.low[bar] || px === feed.high[bar])) touched++;
      }
    }
    // The point of the grid: exact touches are common, not a lucky one or two.
    expect(touched).toBeGreaterThan(50);
  });
});
