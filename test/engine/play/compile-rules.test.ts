import { describe, expect, it } from 'vitest';
import { evalRules, RuleBuffers } from '../../../src/engine/play/compile-rules.js';
import { evalExpr, type Series } from '../../../src/engine/play/expr.js';
import { bindRules, RuleSignals } from '../../../src/engine/play/rule-source.js';
import type { CompareOp, Expr, Operand } from '../../../src/engine/play/types.js';
import { sliceFeed } from '../../../src/engine/feeds.js';
import { simulate, simulateSource } from '../../../src/engine/sim/simulate.js';
import { SimScratch } from '../../../src/engine/sim/trades.js';
import type { PriceSource } from '../../../src/engine/types.js';
import { firstDiff, randomFeed, randomPlainConfig, resultDiff, rngOf, type Rng } from '../sim/random-sim.js';

// The fused rule kernels (compile-rules.ts: all rules in one generated loop; rule-source.ts: rules
// evaluated inside the simulator's loop) against evalExpr, the node-by-node evaluator whose semantics
// expr.test.ts pins down by hand: random trees of every node kind and operator over series with NaN,
// equal values and NaN constants; then whole backtests through simulateSource against simulate on the
// stored signals, over slices that start anywhere.

const OPS: CompareOp[] = ['>', '<', '>=', '<=', '==', '!='];
const SOURCES: PriceSource[] = ['open', 'high', 'low', 'close', 'volume'];

function randomSeries(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n);
  const nanRate = rng() < 0.5 ? 0 : 0.1;
  for (let i = 0; i < n; i++) a[i] = rng() < nanRate ? NaN : Math.floor(rng() * 5); // few values: many ties
  if (rng() < 0.3) a.fill(NaN, 0, Math.floor(rng() * n)); // a warm-up
  return a;
}

function operand(rng: Rng): Operand {
  if (rng() < 0.25) return { kind: 'const', value: rng() < 0.1 ? NaN : Math.floor(rng() * 5) };
  return { kind: 'price', source: SOURCES[Math.floor(rng() * SOURCES.length)] };
}

function randomExpr(rng: Rng, depth: number): Expr {
  const u = rng();
  if (depth <= 0 || u < 0.35) return { kind: 'compare', op: OPS[Math.floor(rng() * OPS.length)], left: operand(rng), right: operand(rng) };
  if (u < 0.6) return { kind: 'cross', dir: rng() < 0.5 ? 'above' : 'below', a: operand(rng), b: operand(rng) };
  if (u < 0.7) return { kind: 'not', item: randomExpr(rng, depth - 1) };
  const items = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => randomExpr(rng, depth - 1));
  return { kind: rng() < 0.5 ? 'all' : 'any', items };
}

function world(rng: Rng, n: number) {
  const series = Object.fromEntries(SOURCES.map((s) => [s, randomSeries(rng, n)])) as Record<PriceSource, Float64Array>;
  const values = (op: Operand): Series => (op.kind === 'const' ? op.value : series[(op as { source: PriceSource }).source]);
  const rules = [0, 1, 2, 3].map((k) => (k < 2 || rng() < 0.5 ? randomExpr(rng, 3) : undefined));
  return { series, values, rules };
}

describe('fused rules equal evalExpr', () => {
  it('on 600 random rule sets (every node kind and operator, NaN and ties), with and without reused buffers', () => {
    const buffers = new RuleBuffers();
    for (let k = 0; k < 600; k++) {
      const rng = rngOf(`rules-${k}`);
      const n = 1 + Math.floor(rng() * 80);
      const { values, rules } = world(rng, n);
      const expected = rules.map((e) => (e === undefined ? undefined : evalExpr(e, n, values)));
      for (const got of [evalRules(rules, n, values), evalRules(rules, n, values, buffers)]) {
        got.forEach((out, r) => {
          if (expected[r] === undefined) expect(out).toBeUndefined();
          else expect([...out!], `rules-${k} rule ${r}: ${JSON.stringify(rules[r])}`).toEqual([...expected[r]!]);
        });
      }
    }
  });

  it('bound rules give the same bits at every bar', () => {
    for (let k = 0; k < 300; k++) {
      const rng = rngOf(`bits-${k}`);
      const n = 1 + Math.floor(rng() * 60);
      const { values, rules } = world(rng, n);
      const stored = rules.map((e) => (e === undefined ? undefined : evalExpr(e, n, values)));
      const source = new RuleSignals(bindRules(rules, n, values)!, 0);
      for (let i = 0; i < n; i++) {
        const want = stored.reduce((m, s, r) => m | (s !== undefined && s[i] !== 0 ? 1 << r : 0), 0);
        expect(source.bits(i), `bits-${k} bar ${i}`).toBe(want);
      }
    }
  });

  it('an operand shorter than the bars falls back to evalExpr (binding refuses)', () => {
    const short = Float64Array.from([1, 2]);
    const values = (op: Operand): Series => (op.kind === 'const' ? op.value : short);
    const rule: Expr = { kind: 'compare', op: '!=', left: { kind: 'price', source: 'close' }, right: { kind: 'const', value: 0 } };
    expect([...evalRules([rule], 4, values)[0]!]).toEqual([...evalExpr(rule, 4, values)]);
    expect(bindRules([rule], 4, values)).toBeUndefined();
  });

  it('an operator outside the table is an internal error, never generated code', () => {
    const values = (): Series => 1;
    const rule = { kind: 'compare', op: '); evil(', left: { kind: 'const', value: 1 }, right: { kind: 'const', value: 2 } } as unknown as Expr;
    expect(() => evalRules([rule], 3, values)).toThrow(/internal: unknown comparison operator/);
  });
});

describe('simulateSource (rules evaluated in the loop) equals simulate on the stored signals', () => {
  it('on 300 random plays, slices and configs, with and without the stored curve', () => {
    const scratch = new SimScratch();
    const lean = new SimScratch();
    lean.keepEquity = false;
    for (let k = 0; k < 300; k++) {
      const rng = rngOf(`source-${k}`);
      const n = 3 + Math.floor(rng() * (k % 10 === 0 ? 3000 : 300));
      const feed = randomFeed(rng, n, k % 3 === 0 ? 0.03 : 0);
      const { values, rules } = world(rng, n);
      // Rules over the feed's own prices as well as the random series.
      const priced = (op: Operand): Series => (op.kind === 'price' && op.source !== 'volume' && k % 2 === 0 ? feed[op.source as 'open' | 'high' | 'low' | 'close'] : values(op));
      const [le, se, lx, sx] = rules.map((e) => (e === undefined ? undefined : evalExpr(e, n, priced)));
      const bound = bindRules(rules, n, priced)!;
      const config = randomPlainConfig(rng);
      const start = Math.floor(rng() * (n - 2));
      const end = start + 2 + Math.floor(rng() * (n - start - 1));
      const f = sliceFeed(feed, start, end);
      const slice = (a: Uint8Array | undefined) => a?.subarray(start, end);
      const want = simulate(f, { longEntry: slice(le)!, shortEntry: slice(se)!, longExit: slice(lx), shortExit: slice(sx) }, config);
      expect(resultDiff(simulateSource(f, new RuleSignals(bound, start), config), want), `source-${k}`).toBeNull();
      expect(resultDiff(simulateSource(f, new RuleSignals(bound, start), config, scratch), want), `source-${k}`).toBeNull();
      const noCurve = simulateSource(f, new RuleSignals(bound, start), config, lean);
      expect(resultDiff(noCurve, want, false), `source-${k}`).toBeNull();
      expect(firstDiff(Object.values(noCurve.equityStats!), Object.values(want.equityStats!)), `source-${k}`).toBeNull();
    }
  });
});
