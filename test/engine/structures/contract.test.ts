import { describe, expect, it } from 'vitest';
import { STRUCTURES } from '../../../src/engine/structures/index.js';
import type { FeatureDef, Params } from '../../../src/engine/types.js';
import { checkOutParam } from '../../helpers/out-contract.js';
import { randomFeed } from '../../helpers/random-feed.js';

const defaults = (def: FeatureDef): Params => Object.fromEntries(def.params.map((p) => [p.name, p.default]));
const at = (def: FeatureDef, w: 'min' | 'max'): Params => Object.fromEntries(def.params.map((p) => [p.name, p[w]]));
const snapshot = (a: Float64Array) => Array.from(a);

// The contract every structure keeps, like the indicators' contract; warmup is a lower bound here
// (pivot-based structures depend on where the data puts its pivots), exact for vol_regime.
describe.each(Object.entries(STRUCTURES))('structure %s', (key, def) => {
  const feed = randomFeed(1500, `contract-${key}`);
  const params = defaults(def);

  it('is registered under its own lower-case name as a structure with sane params', () => {
    expect(def.name).toBe(key);
    expect(key).toMatch(/^[a-z_]+$/);
    expect(def.kind).toBe('structure');
    expect(def.outputs.length).toBeGreaterThan(0);
    for (const p of def.params) {
      expect(p.min).toBeLessThanOrEqual(p.default);
      expect(p.default).toBeLessThanOrEqual(p.max);
    }
    expect(def.description.length).toBeGreaterThan(20);
  });

  it('returns one full-length array per output, repeatably, without touching the feed', () => {
    const before = [feed.open, feed.high, feed.low, feed.close, feed.volume, feed.time].map(snapshot);
    const a = def.compute(feed, params);
    const b = def.compute(feed, params);
    expect(a.length).toBe(def.outputs.length);
    for (const out of a) expect(out.length).toBe(feed.length);
    expect(a.map(snapshot)).toEqual(b.map(snapshot));
    expect([feed.open, feed.high, feed.low, feed.close, feed.volume, feed.time].map(snapshot)).toEqual(before);
  });

  it('writes every element of a garbage-filled `out` exactly as it allocates, and returns `out`', () => {
    const withNaN = randomFeed(1500, `contract-${key}`);
    withNaN.high[700] = NaN;
    withNaN.close[900] = NaN;
    withNaN.low[1200] = NaN;
    for (const f of [
      feed,
      withNaN,
      randomFeed(0, 'out:0'),
      randomFeed(1, 'out:1'),
      randomFeed(def.warmup(params) + 1, 'out:w'),
    ]) {
      for (const p of [params, at(def, 'min'), at(def, 'max')]) checkOutParam(def, f, p);
    }
  });

  it('is NaN during its warmup and has values after it', () => {
    const [first] = def.compute(feed, params);
    const w = def.warmup(params);
    for (let i = 0; i < w; i++) expect(first[i]).toBeNaN();
    const firstValue = first.findIndex((v) => !Number.isNaN(v));
    expect(firstValue).toBeGreaterThanOrEqual(w);
    expect(firstValue).toBeLessThan(feed.length);
    if (key === 'vol_regime') expect(firstValue).toBe(w);
  });
});
