import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resampleFeed, sliceFeed } from '../../../src/engine/feeds.js';
import { leanMetrics } from '../../../src/engine/metrics/lean.js';
import { computeMetrics } from '../../../src/engine/metrics/metrics.js';
import { evalExpr, type Series } from '../../../src/engine/play/expr.js';
import { evalMasks, LeafCache, MaskBuffers, unpackMask } from '../../../src/engine/play/mask-rules.js';
import { priceSource } from '../../../src/engine/indicators/source.js';
import {
  compileSignals,
  featureValues,
  MapFeatureCache,
  parsePlay,
  playWarmup,
  randomGenome,
  resolvePlay,
  runPlay,
  simConfigOf,
  atrRequest,
} from '../../../src/engine/play/index.js';
import type { CompareOp, Expr, Operand, Play } from '../../../src/engine/play/types.js';
import { shiftMasks, type MaskSignals } from '../../../src/engine/sim/bits.js';
import { simulate } from '../../../src/engine/sim/simulate.js';
import { SimScratch } from '../../../src/engine/sim/trades.js';
import type { SimConfig, Signals } from '../../../src/engine/sim/types.js';
import type { Feed, PriceSource } from '../../../src/engine/types.js';
import { randomFeed as helperFeed } from '../../helpers/random-feed.js';
import { referenceSimulate } from '../sim/reference-loop.js';
import { firstDiff, randomFeed, randomPlainConfig, resultDiff, rngOf, type Rng } from '../sim/random-sim.js';

// The fixed rule kernels (masks.ts, mask-rules.ts) against evalExpr, the node-by-node evaluator whose
// semantics expr.test.ts pins down by hand: random trees of every node kind and operator over series
// with NaN, ties, NaN constants, constants on either side and arrays shorter than the bars. Then whole
// backtests: the new path (bitsets read in place by simulate, ranges by offset) against the reference
// path (evalExpr's 0/1 signals, the general loop as it was, computeMetrics), number for number.

const OPS: CompareOp[] = ['>', '<', '>=', '<=', '==', '!='];
const SOURCES: PriceSource[] = ['open', 'high', 'low', 'close', 'volume'];

function randomSeries(rng: Rng, n: number): Float64Array {
  // Now and then shorter than the bars (evalExpr reads the missing bars as undefined).
  const len = rng() < 0.1 ? Math.floor(rng() * n) : n;
  const a = new Float64Array(len);
  const nanRate = rng() < 0.5 ? 0 : 0.1;
  for (let i = 0; i < len; i++) a[i] = rng() < nanRate ? NaN : Math.floor(rng() * 5); // few values: many ties
  if (rng() < 0.3) a.fill(NaN, 0, Math.floor(rng() * len)); // a warm-up
  return a;
}

/** Values held for runs of 1-100 bars: tie runs that span words, as two averages touching for a while. */
function runSeries(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; ) {
    const run = 1 + Math.floor(rng() * rng() * 100);
    a.fill(rng() < 0.05 ? NaN : Math.floor(rng() * 3), i, Math.min(n, i + run));
    i += run;
  }
  return a;
}

function operand(rng: Rng): Operand {
  if (rng() < 0.25) return { kind: 'const', value: rng() < 0.1 ? NaN : Math.floor(rng() * 5) };
  return { kind: 'price', source: SOURCES[Math.floor(rng() * SOURCES.length)] };
}

function randomExpr(rng: Rng, depth: number): Expr {
  const u = rng();
  if (depth <= 0 || u < 0.35)
    return { kind: 'compare', op: OPS[Math.floor(rng() * OPS.length)], left: operand(rng), right: operand(rng) };
  if (u < 0.6) {
    const cross = { kind: 'cross', dir: rng() < 0.5 ? 'above' : 'below', a: operand(rng), b: operand(rng) } as const;
    return rng() < 0.3 ? { ...cross, strict: true } : cross;
  }
  if (u < 0.7) return { kind: 'not', item: randomExpr(rng, depth - 1) };
  const items = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => randomExpr(rng, depth - 1));
  return { kind: rng() < 0.5 ? 'all' : 'any', items };
}

function world(rng: Rng, n: number, runs = false) {
  const make = runs ? runSeries : randomSeries;
  const series = Object.fromEntries(SOURCES.map((s) => [s, make(rng, n)])) as Record<PriceSource, Float64Array>;
  const values = (op: Operand): Series =>
    op.kind === 'const' ? op.value : series[(op as { source: PriceSource }).source];
  const rules = [0, 1, 2, 3].map((k) => (k < 2 || rng() < 0.5 ? randomExpr(rng, 3) : undefined));
  return { series, values, rules };
}

const c = (value: number): Operand => ({ kind: 'const', value });
const p = (source: PriceSource): Operand => ({ kind: 'price', source });

describe('rule kernels equal evalExpr', () => {
  it('on 800 random rule sets (every node kind and operator, NaN, ties, short arrays), with and without reused buffers', () => {
    const buffers = new MaskBuffers();
    // A small budget: leaves are kept, hit (under full and narrow care masks) and evicted.
    const leaves = new LeafCache(4096);
    for (let k = 0; k < 800; k++) {
      const rng = rngOf(`rules-${k}`);
      const n = 1 + Math.floor(rng() * (k % 8 === 0 ? 300 : 80));
      const { values, rules } = world(rng, n);
      const expected = rules.map((e) => (e === undefined ? undefined : evalExpr(e, n, values)));
      const cached = () => evalMasks(rules, n, values, buffers, leaves);
      for (const got of [evalMasks(rules, n, values), evalMasks(rules, n, values, buffers), cached(), cached()]) {
        got.forEach((out, r) => {
          if (expected[r] === undefined) expect(out).toBeUndefined();
          else {
            expect([...unpackMask(out!, n)], `rules-${k} rule ${r}: ${JSON.stringify(rules[r])}`).toEqual([
              ...expected[r]!,
            ]);
            // Bits past the last bar stay clear (the simulator's scans rely on it).
            if ((n & 31) !== 0) expect(out![n >>> 5] >>> (n & 31), `rules-${k} tail`).toBe(0);
          }
        });
      }
    }
    expect(leaves.hits).toBeGreaterThan(1000);
  });

  it('on 300 rule sets over long tie runs (crosses through ties spanning words, under narrow care masks)', () => {
    const buffers = new MaskBuffers();
    for (let k = 0; k < 300; k++) {
      const rng = rngOf(`tie-runs-${k}`);
      const n = 64 + Math.floor(rng() * 600);
      const { values, rules } = world(rng, n, true);
      const got = evalMasks(rules, n, values, buffers);
      rules.forEach((e, r) => {
        if (e === undefined) return;
        expect([...unpackMask(got[r]!, n)], `tie-runs-${k} rule ${r}`).toEqual([...evalExpr(e, n, values)]);
      });
    }
  });

  it('on 120 long rule sets (thousands of bars: narrow care masks travel as word lists through all/any/not)', () => {
    const buffers = new MaskBuffers();
    const leaves = new LeafCache(1 << 20);
    for (let k = 0; k < 120; k++) {
      const rng = rngOf(`long-${k}`);
      const n = 2000 + Math.floor(rng() * 6000);
      const { values, rules } = world(rng, n, k % 2 === 0);
      // A rare first item, as a cross is in a real entry rule: the filters after it see few words.
      const narrowed = rules.map((e) =>
        e === undefined
          ? undefined
          : ({ kind: 'all', items: [{ kind: 'compare', op: '==', left: p('open'), right: c(k % 5) }, e] } as Expr),
      );
      for (const set of [rules, narrowed]) {
        const expected = set.map((e) => (e === undefined ? undefined : evalExpr(e, n, values)));
        for (const got of [evalMasks(set, n, values, buffers), evalMasks(set, n, values, buffers, leaves)]) {
          got.forEach((out, r) => {
            if (expected[r] === undefined) return;
            expect([...unpackMask(out!, n)], `long-${k} rule ${r}`).toEqual([...expected[r]!]);
          });
        }
      }
    }
  });

  it('pins the edge cases: cross at bar 0, != with NaN, not of a NaN comparison, constants on either side', () => {
    const a = Float64Array.from([0, 2, NaN, 1, 3, 3, 0]);
    const b = Float64Array.from([1, 1, 1, NaN, 1, 3, 1]);
    const values = (op: Operand): Series =>
      op.kind === 'const' ? op.value : (op as { source: PriceSource }).source === 'open' ? a : b;
    const run = (e: Expr) => [...unpackMask(evalMasks([e], a.length, values)[0]!, a.length)];
    for (const e of [
      { kind: 'cross', dir: 'above', a: p('open'), b: p('high') },
      { kind: 'cross', dir: 'below', a: p('open'), b: c(1) },
      { kind: 'cross', dir: 'above', a: c(1), b: p('open') },
      { kind: 'compare', op: '!=', left: p('open'), right: p('high') },
      { kind: 'compare', op: '!=', left: p('open'), right: c(NaN) },
      { kind: 'compare', op: '<', left: c(1), right: p('open') },
      { kind: 'compare', op: '==', left: c(NaN), right: c(NaN) },
      { kind: 'compare', op: '>=', left: c(2), right: c(1) },
      { kind: 'not', item: { kind: 'compare', op: '>', left: p('open'), right: c(NaN) } },
      { kind: 'cross', dir: 'above', a: c(1), b: c(2) },
    ] as Expr[]) {
      expect(run(e), JSON.stringify(e)).toEqual([...evalExpr(e, a.length, values)]);
    }
    expect(run({ kind: 'cross', dir: 'above', a: p('open'), b: p('high') })[0]).toBe(0);
    expect(run({ kind: 'not', item: { kind: 'compare', op: '>', left: p('open'), right: c(NaN) } })).toEqual([
      1, 1, 1, 1, 1, 1, 1,
    ]);
  });

  it('an operator outside the table is an internal error', () => {
    const rule = { kind: 'compare', op: '); evil(', left: c(1), right: c(2) } as unknown as Expr;
    expect(() => evalMasks([rule], 3, () => 1)).toThrow(/internal: unknown comparison operator/);
  });
});

function randomConfig(rng: Rng): SimConfig {
  const base = randomPlainConfig(rng);
  if (rng() < 0.4) return base;
  const stop = (v: number) =>
    rng() < 0.5 ? { kind: 'pct' as const, value: v } : { kind: 'atr' as const, value: 1 + v * 50 };
  const exits = {
    onOpposite: rng() < 0.8,
    stopLoss: rng() < 0.6 ? stop(0.02) : undefined,
    takeProfit: rng() < 0.4 ? stop(0.05) : undefined,
    trailingStop: rng() < 0.3 ? stop(0.03) : undefined,
    timeStopBars: rng() < 0.3 ? 1 + Math.floor(rng() * 20) : undefined,
  };
  return { ...base, exits };
}

describe('backtests from bitsets equal the reference path (evalExpr signals, the old general loop, computeMetrics)', () => {
  it('on 400 random feeds, rule sets, configs with and without stops, and ranges', () => {
    const scratch = new SimScratch();
    const lean = new SimScratch();
    lean.keepEquity = false;
    const buffers = new MaskBuffers();
    for (let k = 0; k < 400; k++) {
      const rng = rngOf(`backtest-${k}`);
      const n = 3 + Math.floor(rng() * (k % 10 === 0 ? 4000 : 400));
      const feed = randomFeed(rng, n, k % 3 === 0 ? 0.03 : 0);
      const { values, rules } = world(rng, n);
      // Rules over the feed's own prices as well as the random series; sparse crosses make long flat runs.
      const priced = (op: Operand): Series =>
        op.kind === 'price' && op.source !== 'volume' && k % 2 === 0
          ? feed[op.source as 'open' | 'high' | 'low' | 'close']
          : values(op);
      const [le, se, lx, sx] = rules.map((e) => (e === undefined ? undefined : evalExpr(e, n, priced)));
      const [mle, mse, mlx, msx] = evalMasks(rules, n, priced, buffers);
      const masks: MaskSignals = {
        longEntry: mle!,
        shortEntry: mse!,
        longExit: mlx ?? null,
        shortExit: msx ?? null,
        offset: 0,
      };
      const atr = Float64Array.from(feed.close, (x) => x * 0.02 * (0.5 + rng()));
      const config = randomConfig(rng);
      const start = Math.floor(rng() * (n - 2));
      const end = start + 2 + Math.floor(rng() * (n - start - 1));
      const f = sliceFeed(feed, start, end);
      const cut = (a: Uint8Array | undefined) => a?.subarray(start, end);
      const signals: Signals = { longEntry: cut(le)!, shortEntry: cut(se)!, longExit: cut(lx), shortExit: cut(sx) };
      const a = atr.subarray(start, end);
      const want = referenceSimulate(f, signals, config, a);
      const wantMetrics = computeMetrics(f, want, config, { firstBar: 1 });
      const shifted = shiftMasks(masks, start);
      const got = simulate(f, shifted, config, a);
      expect(resultDiff(got, want), `backtest-${k}`).toBeNull();
      expect(
        firstDiff(Object.values(computeMetrics(f, got, config, { firstBar: 1 })), Object.values(wantMetrics)),
        `backtest-${k} metrics`,
      ).toBeNull();
      expect(resultDiff(simulate(f, shifted, config, a, scratch), want), `backtest-${k} scratch`).toBeNull();
      // Bytes in (simulate()'s public contract) take the same loops.
      expect(resultDiff(simulate(f, signals, config, a), want), `backtest-${k} bytes`).toBeNull();
      const noCurve = simulate(f, shifted, config, a, lean);
      expect(resultDiff(noCurve, want, false), `backtest-${k} lean`).toBeNull();
      expect(
        firstDiff(
          Object.values(leanMetrics(f, noCurve, config, { firstBar: 1 })),
          Object.values(leanMetrics(f, want, config, { firstBar: 1 })),
        ),
        `backtest-${k} lean metrics`,
      ).toBeNull();
    }
  });
});

// The reference path for a whole play: each rule by evalExpr over the same features, the old loop.
function referenceRun(play: Play, feeds: Readonly<Record<string, Feed>>, cash: number) {
  const cache = new MapFeatureCache();
  const feed = feeds[play.market.tf];
  const values = (op: Operand): Series =>
    op.kind === 'const'
      ? op.value
      : op.kind === 'price'
        ? priceSource(feed, op.source)
        : featureValues(op.feature, feed, feeds, cache)[op.output];
  const rule = (e: Expr | undefined) => (e === undefined ? undefined : evalExpr(e, feed.length, values));
  const signals: Signals = {
    longEntry: rule(play.entry.long) ?? new Uint8Array(feed.length),
    shortEntry: rule(play.entry.short) ?? new Uint8Array(feed.length),
    longExit: rule(play.exit.long),
    shortExit: rule(play.exit.short),
  };
  const req = atrRequest(play);
  const atr = req === undefined ? undefined : featureValues(req, feed, feeds, cache)[0];
  const config = simConfigOf(play, cash);
  const result = referenceSimulate(feed, signals, config, atr);
  return {
    signals,
    result,
    metrics: computeMetrics(feed, result, config, { firstBar: Math.min(playWarmup(play), feed.length - 1) }),
  };
}

describe('plays of configs/plays/default.yaml', () => {
  it('runPlay equals the reference path on 60 random genomes (trades, curve, every metric)', () => {
    const text = fs.readFileSync(path.resolve(import.meta.dirname, '../../../configs/plays/default.yaml'), 'utf8');
    const space = parsePlay(text, 'default.yaml');
    const exec = helperFeed(5000, 'masks-play', '15m', 900_000, Date.UTC(2021, 0, 1));
    const feeds = {
      '15m': exec,
      '1h': resampleFeed(exec, '1h'),
      '4h': resampleFeed(exec, '4h'),
      '1d': resampleFeed(exec, '1d'),
    };
    const rng = rngOf('masks-genomes');
    for (let k = 0; k < 60; k++) {
      const play = resolvePlay(space, randomGenome(space.genes, rng));
      const want = referenceRun(play, feeds, 10_000);
      const got = runPlay(play, feeds, { cash: 10_000 });
      expect(resultDiff(got.result, want.result), `genome ${k}`).toBeNull();
      expect(firstDiff(Object.values(got.metrics), Object.values(want.metrics)), `genome ${k} metrics`).toBeNull();
      expect([...got.signals.longEntry], `genome ${k} signals`).toEqual([...want.signals.longEntry]);
      expect([...compileSignals(play, feeds).signals.shortEntry]).toEqual([...want.signals.shortEntry]);
    }
  });
});
