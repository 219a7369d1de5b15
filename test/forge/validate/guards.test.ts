import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { MapFeatureCache, parsePlay } from '../../../src/engine/play/index.js';
import { runInSample } from '../../../src/forge/validate/backtest.js';
import { DEFAULTS } from '../../../src/forge/validate/config.js';
import { bootstrapGuard } from '../../../src/forge/validate/guards/bootstrap.js';
import { concentrationFromPnl } from '../../../src/forge/validate/guards/concentration.js';
import { permutationGuard, timingInputs } from '../../../src/forge/validate/guards/permutation.js';
import { regimeGuard } from '../../../src/forge/validate/guards/regime.js';
import { neighbours, sensitivityGuard } from '../../../src/forge/validate/guards/sensitivity.js';
import { stressGuard } from '../../../src/forge/validate/guards/stress.js';
import type { RegimeData } from '../../../src/forge/validate/types.js';
import { CROSS_PLAY, context, driftFeed, feedFromLogPrices, noiseFeed, trendFeed } from './fixtures.js';

// Each guard on a constructed market whose answer is known: planted trends that an SMA cross rides
// (a real timing edge), a random walk (no edge at all), drifts up and down for the regime split, and
// hand-made trade lists for concentration.

const edge = () => context(CROSS_PLAY, trendFeed(3000, 'planted'), [5, 40]);
const noise = () => context(CROSS_PLAY, noiseFeed(3000, 'walk'), [5, 40]);
const rng = (s: string) => seedrandom.alea(s);

describe('permutation guard (timing null)', () => {
  it('passes a play that rides planted trends and fails the same play on a random walk', () => {
    const good = permutationGuard(edge(), { n: 300, maxP: 0.05 }, rng('p'));
    expect(good.status).toBe('PASS');
    expect(good.value).toBeCloseTo(1 / 301, 12); // no shuffle beat the real alignment
    const bad = permutationGuard(noise(), { n: 300, maxP: 0.05 }, rng('p'));
    expect(bad.status).toBe('FAIL');
    expect(bad.value!).toBeGreaterThan(0.2);
  });

  it('rebuilds exposure from the trades on open-to-open returns', () => {
    const f = feedFromLogPrices([0, 0.1, 0.2, 0.1, 0.3, 0.3].map((x) => Math.log(100) + x));
    const trades = {
      count: 2,
      direction: Int8Array.from([1, -1]),
      entryBar: Int32Array.from([1, 3]),
      exitBar: Int32Array.from([3, 5]),
    } as never;
    const { positions, barReturns, exposedBars } = timingInputs(f, trades);
    expect(Array.from(positions)).toEqual([0, 1, 1, -1, -1]);
    expect(exposedBars).toBe(4);
    expect(barReturns[1]).toBeCloseTo(f.open[2] / f.open[1] - 1, 15);
  });

  it('reports an error, not a verdict, for a play that never trades', () => {
    const flat = context(CROSS_PLAY, feedFromLogPrices(new Float64Array(300).fill(Math.log(100))), [5, 40]); // constant price: no cross
    const g = permutationGuard(flat, { n: 10, maxP: 0.05 }, rng('p'));
    expect(g.status).toBe('ERROR');
    expect(g.error).toMatch(/no trades/);
  });
});

describe('bootstrap guard', () => {
  it('the edge play has a 95% Sharpe interval above 1; the random-walk play does not', () => {
    const good = bootstrapGuard(edge(), { ...DEFAULTS.bootstrap, n: 500 }, rng('b'));
    expect(good.status).toBe('PASS');
    const d = good.detail as { lower: number; upper: number; estimate: number };
    expect(d.lower).toBeLessThan(d.estimate);
    expect(d.upper).toBeGreaterThan(d.estimate);
    const bad = bootstrapGuard(noise(), { ...DEFAULTS.bootstrap, n: 500 }, rng('b'));
    expect(bad.status).toBe('FAIL');
    expect(bad.value!).toBeLessThan(0);
  });

  it('the same seed gives the same interval; another seed another one', () => {
    const a = bootstrapGuard(edge(), { ...DEFAULTS.bootstrap, n: 200 }, rng('s1'));
    const b = bootstrapGuard(edge(), { ...DEFAULTS.bootstrap, n: 200 }, rng('s1'));
    const c = bootstrapGuard(edge(), { ...DEFAULTS.bootstrap, n: 200 }, rng('s2'));
    expect(b.value).toBe(a.value);
    expect(c.value).not.toBe(a.value);
  });
});

describe('sensitivity guard', () => {
  it('neighbours move one numeric gene by one step, never choices or optional rules, never out of bounds', () => {
    const space = parsePlay(
      `market: {symbol: T, tf: 1h}
features:
  a: {indicator: {choice: [sma, ema]}, params: {period: {int: [5, 40]}}}
  b: {indicator: bbands, params: {period: 20, stddev: {float: [1.5, 3.0], step: 0.25}}}
entry:
  long: [{left: close, op: '>', right: a}, {left: close, op: '>', right: {float: [0, 10]}, optional: true}]
`,
      't.yaml',
    );
    expect(space.genes.map((g) => g.kind)).toEqual(['choice', 'int', 'float', 'float', 'bool']);
    const got = neighbours(space.genes, [1, 5, 2, 5, 1], 1).map((n) => [n.index, n.value]);
    // period 5 is at its lower bound: only 6; stddev 2 +- 0.25; continuous [0, 10] moves 1 % of 10.
    expect(got).toEqual([
      [1, 6],
      [2, 1.75],
      [2, 2.25],
      [3, 4.9],
      [3, 5.1],
    ]);
  });

  it('a plateau passes with 0 %; a spike gives exactly the hand-computed dispersion', () => {
    // Prices stay within (101, 199): a threshold of 0 or 100 is always true, 200 never is. Long only.
    const feed = feedFromLogPrices(Array.from({ length: 2000 }, (_, i) => Math.log(150) + 0.25 * Math.sin(i / 40)));
    const play = (lo: number) => `market: {symbol: T, tf: 1h}
features:
  fast: {indicator: sma, params: {period: 5}}
  slow: {indicator: sma, params: {period: 30}}
entry:
  long: [{cross_above: [fast, slow]}, {left: close, op: '>', right: {int: [${lo}, 1000], step: 100}}]
costs: {fee_bps: 5, slippage_bps: 0}
`;
    const plateau = sensitivityGuard(context(play(-1000), feed, [0]), DEFAULTS.sensitivity);
    expect(plateau.status).toBe('PASS');
    expect(plateau.value).toBe(0); // neighbours -100 and 100: the rule stays always true

    const spike = sensitivityGuard(context(play(0), feed, [100]), DEFAULTS.sensitivity);
    const c = (spike.detail as { centre: number }).centre;
    const nb = (spike.detail as { neighbours: { value: number; fitness: number }[] }).neighbours;
    expect(nb.map((n) => n.value)).toEqual([0, 200]);
    expect(nb[0].fitness).toBe(c); // threshold 0: same trades
    expect(nb[1].fitness).toBe(-200); // threshold 200: never enters, no trades: the worst infeasible fitness
    const f = [c, c, -200];
    const mean = (f[0] + f[1] + f[2]) / 3;
    const sd = Math.sqrt(f.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(spike.value).toBeCloseTo((100 * sd) / Math.abs(mean), 10);
    expect(spike.status).toBe('FAIL');
  });
});

describe('stress guard', () => {
  it('Sharpe falls monotonically as costs rise, and the break-even fee zeroes the summed trade returns', () => {
    const ctx = edge();
    const g = stressGuard(ctx, { multipliers: [2, 3, 5, 8], at: 2, minSharpe: 1 });
    const d = g.detail as {
      scenarios: { multiplier: number; sharpe: number; feeBps: number }[];
      breakEvenBpsPerFill: number;
    };
    expect(d.scenarios.map((s) => s.multiplier)).toEqual([1, 2, 3, 5, 8]);
    expect(d.scenarios.map((s) => s.feeBps)).toEqual([5, 10, 15, 25, 40]);
    for (let i = 1; i < d.scenarios.length; i++) expect(d.scenarios[i].sharpe).toBeLessThan(d.scenarios[i - 1].sharpe);
    expect(g.status).toBe('PASS');
    // Independent check through the simulator: at the break-even fee (no slippage) the trades' net returns sum to 0.
    const at = runInSample(ctx, { costs: { feeBps: d.breakEvenBpsPerFill, slippageBps: 0 } });
    const r = at.result.trades.returnPct.subarray(0, at.result.trades.count);
    expect(r.length).toBeGreaterThan(5);
    expect(r.reduce((s, x) => s + x, 0)).toBeCloseTo(0, 12);
    const below = runInSample(ctx, { costs: { feeBps: d.breakEvenBpsPerFill - 1, slippageBps: 0 } }).result.trades;
    expect(below.returnPct.subarray(0, below.count).reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
  });

  it('the random-walk play fails at twice its costs', () => {
    const g = stressGuard(noise(), DEFAULTS.stress);
    expect(g.status).toBe('FAIL');
    expect(g.value!).toBeLessThan(1);
  });
});

describe('concentration guard (hand-made trade lists)', () => {
  const cfg = DEFAULTS.concentration;
  it('40 equal trades: the top 10 made 25 % of the profit: PASS', () => {
    const g = concentrationFromPnl(new Float64Array(40).fill(10), cfg);
    expect(g.value).toBeCloseTo(25, 12);
    expect(g.status).toBe('PASS');
  });
  it('one big winner: top 10 of [30, 10 x 20] = 120 of 230 = 52.17 %: FAIL', () => {
    const g = concentrationFromPnl([30, ...new Array(20).fill(10)], cfg);
    expect(g.value).toBeCloseTo((100 * 120) / 230, 10);
    expect(g.status).toBe('FAIL');
  });
  it('losers elsewhere push the share above 100 %; a losing play has no share and fails', () => {
    const pnl = [500, -100, 40, 30, 20, 10, 10, 10, 10, 10, 10, 10, -50, 5]; // total 515, top 10 = 650
    expect(concentrationFromPnl(pnl, cfg).value).toBeCloseTo((100 * 650) / 515, 10);
    const losing = concentrationFromPnl([-5, 1, 2], cfg);
    expect(losing.value).toBeNull();
    expect(losing.status).toBe('FAIL');
  });
});

describe('regime guard', () => {
  const ALWAYS_LONG = `market: {symbol: T, tf: 1h}
entry:
  long: [{left: close, op: '>', right: 0}]
costs: {fee_bps: 5, slippage_bps: 0}
`;
  const regime = (name: string, drift: number, tf = '1h'): RegimeData => {
    const f = driftFeed(500, name, drift);
    return {
      name,
      regime: drift > 0 ? 'bull' : 'bear',
      source: 'synthetic',
      window: { from: 'a', to: 'b', fromMs: f.time[0], toMs: f.time[f.length - 1] + f.tfMs },
      feeds: { [tf]: { ...f, tf } },
      cache: new MapFeatureCache(),
    };
  };
  const ctx = context(ALWAYS_LONG, driftFeed(100, 'x', 0.001), []);
  it('a long-only play is profitable in the two up regimes out of three: 2/3 > 0.5 passes', () => {
    const g = regimeGuard(
      ctx,
      [regime('UP1', 0.001), regime('DOWN', -0.001), regime('UP2', 0.002)],
      [],
      DEFAULTS.regime,
    );
    expect(g.value).toBeCloseTo(2 / 3, 15);
    expect(g.status).toBe('PASS');
    // The regimes start with the 100-bar in-sample range and run past it.
    expect((g.detail as { regimes: { inSample: string }[] }).regimes[0].inSample).toBe('partly');
  });
  it('profitable in one of three fails; a regime without the play timeframe is reported and not counted', () => {
    const g = regimeGuard(
      ctx,
      [regime('UP', 0.001), regime('D1', -0.001), regime('D2', -0.002), regime('OTHER_TF', 0.001, '4h')],
      [],
      DEFAULTS.regime,
    );
    expect(g.value).toBeCloseTo(1 / 3, 15);
    expect(g.status).toBe('FAIL');
    const rows = (g.detail as { regimes: { dataset: string; error?: string }[] }).regimes;
    expect(rows.find((r) => r.dataset === 'OTHER_TF')!.error).toBeDefined();
  });
  it('no regime dataset: NOT RUN with the reasons', () => {
    const g = regimeGuard(ctx, [], [{ name: 'X_BEAR', reason: 'no candles' }], DEFAULTS.regime);
    expect(g.status).toBe('NOT RUN');
    expect(g.pass).toBeNull();
    expect(JSON.stringify(g.detail)).toContain('no candles');
  });
});
