// The per-indicator contract, run over EVERY entry of INDICATORS (new indicators are covered
// automatically). Values are checked against reference libraries elsewhere; this file checks shape,
// warm-up, purity, determinism, parameter range and causality.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { INDICATORS } from '../../../src/engine/indicators/index.js';
import type { FeatureDef, Feed, Params } from '../../../src/engine/types.js';
import { COLUMNS, copyFeed, leadingNaN, paramsAt } from '../../helpers/indicator-kit.js';
import { checkOutParam } from '../../helpers/out-contract.js';
import { PRICE_SOURCES } from '../../../src/engine/indicators/source.js';
import { randomFeed } from '../../helpers/random-feed.js';

const N = 2000;
const feed = randomFeed(N, 'indicator-contract');

function checkShape(def: FeatureDef, outs: Float64Array[], p: Params, n: number): void {
  expect(outs.length, `${def.name}: one array per output`).toBe(def.outputs.length);
  for (const [o, out] of outs.entries()) {
    expect(out, `${def.name}.${def.outputs[o]} is a Float64Array`).toBeInstanceOf(Float64Array);
    expect(out.length, `${def.name}.${def.outputs[o]} length`).toBe(n);
    // Every output: NaN warm-up, then finite to the end (no gaps, no infinities on clean input).
    const lead = leadingNaN(out);
    for (let i = lead; i < n; i++) {
      if (!Number.isFinite(out[i]))
        expect.fail(`${def.name}.${def.outputs[o]}(${JSON.stringify(p)}) bar ${i} = ${out[i]} after warm-up ${lead}`);
    }
  }
  const w = def.warmup(p);
  expect(Number.isInteger(w) && w >= 0, `${def.name}: warmup is a non-negative integer`).toBe(true);
  expect(leadingNaN(outs[0]), `${def.name}(${JSON.stringify(p)}): leading NaN of '${def.outputs[0]}' = warmup`).toBe(
    Math.min(w, n),
  );
}

const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

describe('indicator contract', () => {
  it('registers at least the 21 indicators of issue 3, under their lower-case names', () => {
    const required =
      'sma ema wma dema tema hma rsi macd bbands atr supertrend stoch adx donchian keltner cci roc obv vwap willr mfi'.split(
        ' ',
      );
    for (const name of required) expect(INDICATORS[name]?.name, name).toBe(name);
    for (const [key, def] of Object.entries(INDICATORS)) {
      expect(def.name).toBe(key);
      expect(def.kind).toBe('indicator');
      expect(def.outputs.length).toBeGreaterThan(0);
      for (const p of def.params) {
        expect(p.min <= p.default && p.default <= p.max, `${key}.${p.name} default inside [min, max]`).toBe(true);
        if (p.kind === 'int')
          expect([p.min, p.default, p.max].every(Number.isInteger), `${key}.${p.name} int bounds`).toBe(true);
      }
    }
  });

  describe.each(Object.values(INDICATORS).map((d) => [d.name, d] as const))('%s', (name, def) => {
    const defaults = paramsAt(def, 'default');

    it('has feed.length outputs, exactly warmup() leading NaN, finite after; leaves the feed untouched', () => {
      const before = copyFeed(feed);
      const outs = def.compute(feed, defaults);
      checkShape(def, outs, defaults, N);
      for (const c of COLUMNS) expect(feed[c], `${name} must not write feed.${c}`).toEqual(before[c]);
    });

    it('handles feeds shorter than, equal to and one bar past the warm-up (and empty ones)', () => {
      const w = def.warmup(defaults);
      for (const len of [0, 1, w, w + 1]) {
        const short = randomFeed(len, `short:${len}`);
        checkShape(def, def.compute(short, defaults), defaults, len);
      }
    });

    it('is repeatable (two calls, identical arrays, fresh memory)', () => {
      const a = def.compute(feed, defaults);
      const b = def.compute(feed, defaults);
      for (let o = 0; o < a.length; o++) {
        expect(b[o]).toEqual(a[o]);
        expect(b[o]).not.toBe(a[o]);
      }
    });

    it.each(['min', 'max'] as const)('works with every parameter at its %s', (at) => {
      const p = paramsAt(def, at);
      const outs = def.compute(feed, p);
      checkShape(def, outs, p, N);
    });

    it('has no lookahead: changing every bar after i never changes outputs at 0..i', () => {
      const rng = seedrandom(`lookahead:${name}`);
      const w = def.warmup(defaults);
      const base = def.compute(feed, defaults);
      for (const i of [w, w + 1 + Math.floor(rng() * (N - w - 2)), N - 2]) {
        const f = copyFeed(feed);
        for (let j = i + 1; j < N; j++) {
          const k = 0.9 + 0.2 * rng();
          f.open[j] *= k;
          f.close[j] *= 0.9 + 0.2 * rng();
          f.high[j] = Math.max(f.open[j], f.close[j]) * (1 + 0.01 * rng());
          f.low[j] = Math.min(f.open[j], f.close[j]) * (1 - 0.01 * rng());
          f.volume[j] *= 0.5 + rng();
          f.time[j] += 1;
        }
        const changed = def.compute(f, defaults);
        for (let o = 0; o < base.length; o++) {
          for (let j = 0; j <= i; j++) {
            if (!same(base[o][j], changed[o][j]))
              expect.fail(`${name}.${def.outputs[o]} bar ${j} changed when only bars after ${i} did`);
          }
        }
      }
    });

    it('writes every element of a garbage-filled `out` exactly as it allocates, and returns `out`', () => {
      const withNaN: Feed = copyFeed(feed);
      for (const c of ['high', 'close', 'volume'] as const) withNaN[c][def.warmup(defaults) + 30] = NaN;
      withNaN.low[N - 100] = NaN;
      for (const f of [
        feed,
        withNaN,
        randomFeed(0, 'out:0'),
        randomFeed(1, 'out:1'),
        randomFeed(def.warmup(defaults) + 1, 'out:w'),
      ]) {
        for (const at of ['default', 'min', 'max'] as const) checkOutParam(def, f, paramsAt(def, at));
      }
      if (def.defaultSource !== undefined) for (const s of PRICE_SOURCES) checkOutParam(def, withNaN, defaults, s);
    });

    it('does not hide a NaN bar: the first output is NaN at that bar', () => {
      const j = def.warmup(defaults) + 50;
      const f: Feed = copyFeed(feed);
      for (const c of ['open', 'high', 'low', 'close', 'volume'] as const) f[c][j] = NaN;
      const out = def.compute(f, defaults)[0];
      const clean = def.compute(feed, defaults)[0];
      expect(out.length).toBe(N);
      expect(out[j], `${name} at the NaN bar`).toBeNaN();
      for (let i = 0; i < j; i++) if (!same(out[i], clean[i])) expect.fail(`${name}: bar ${i} before the NaN changed`);
    });
  });
});
