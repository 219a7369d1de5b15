import { expect } from 'vitest';
import type { FeatureDef, Feed, Params, PriceSource } from '../../src/engine/types.js';

// compute(feed, params, source, out): every element of every output written into the caller's arrays,
// whatever they held, bit-identical to the allocating call, and `out` itself returned. The arrays are views
// at an offset into one SharedArrayBuffer (as the feature store's slabs are), prefilled with values that
// look real, NaN, infinities and -0, so a kernel that skips an element (a warm-up NaN, a gap) shows.

const GARBAGE = [123.25, NaN, -0, Infinity, -1e300, 0, 42];

export function checkOutParam(def: FeatureDef, feed: Feed, params: Params, source?: PriceSource): void {
  const want = def.compute(feed, params, source);
  const n = feed.length;
  const k = def.outputs.length;
  const sab = new SharedArrayBuffer(8 * (k * n + 3));
  const out: Float64Array[] = [];
  for (let o = 0; o < k; o++) out.push(new Float64Array(sab, 8 * (3 + o * n), n));
  const all = new Float64Array(sab);
  for (let i = 0; i < all.length; i++) all[i] = GARBAGE[i % GARBAGE.length];
  const given = [...out];
  const got = def.compute(feed, params, source, out);
  const label = `${def.name}(${JSON.stringify(params)}${source ? `, ${source}` : ''}) n=${n}`;
  expect(got, `${label}: returns the out array it was given`).toBe(out);
  for (let o = 0; o < k; o++) {
    expect(got[o], `${label}: output ${o} is the caller's array`).toBe(given[o]);
    for (let i = 0; i < n; i++) {
      if (!Object.is(got[o][i], want[o][i]))
        expect.fail(`${label}.${def.outputs[o]} bar ${i}: ${got[o][i]} into out, ${want[o][i]} allocated`);
    }
  }
  for (let i = 0; i < 3; i++)
    expect(Object.is(all[i], GARBAGE[i % GARBAGE.length]), `${label}: wrote before its out arrays`).toBe(true);
}
