import { describe, expect, it } from 'vitest';
import { ZONES } from '../../../src/engine/structures/zones.js';
import { randomFeed } from '../../helpers/random-feed.js';
import { lineFeed, zigzag } from './paths.js';

// Legs of 4 bars; with left = right = 2 every interior turning point is a pivot, at bar 4k, confirmed at 4k + 2.
// Pivot prices in order: L 100 (bar 4), H 110 (8), L 100.2 (12), H 110.3 (16), L 99.9 (20), H 120 (24).
const prices = zigzag([105, 100, 110, 100.2, 110.3, 99.9, 120, 105]);
const feed = lineFeed(prices);
const last = prices.length - 1; // bar 28, close 105
const params = { left: 2, right: 2, tolerance: 0.5, max_zones: 12, min_touches: 1 };
const run = (over: Partial<typeof params> = {}) => ZONES.compute(feed, { ...params, ...over });

describe('zones', () => {
  it('clusters pivots within the tolerance into zones whose strength is the touch count', () => {
    // By hand: 100, 100.2, 99.9 are within 0.5 % of the running mean -> one zone, mean 100.0333.., 3 touches.
    // 110 and 110.3 -> one zone at 110.15, 2 touches. 120 -> its own zone, 1 touch.
    const [sup, res, supStr, resStr, supDist, resDist] = run();
    expect(prices[last]).toBe(105);
    expect(sup[last]).toBeCloseTo((100 + 100.2 + 99.9) / 3, 12);
    expect(supStr[last]).toBe(3);
    expect(res[last]).toBeCloseTo(110.15, 12);
    expect(resStr[last]).toBe(2);
    expect(supDist[last]).toBeCloseTo(((105 - 300.1 / 3) / 105) * 100, 12);
    expect(resDist[last]).toBeCloseTo(((110.15 - 105) / 105) * 100, 12);
  });

  it('uses a pivot only from its confirmation bar on', () => {
    const [sup, res, , resStr] = run();
    // Nothing is confirmed before bar 6 (pivot at 4 + right 2).
    for (let i = 0; i < 6; i++) expect(sup[i]).toBeNaN();
    expect(sup[6]).toBe(100);
    // The 120 pivot (bar 24) is confirmed at 26; at bar 25 (close 116.25) the zone above does not exist yet.
    expect(prices[25]).toBe(116.25);
    expect(res[25]).toBeNaN();
    expect(res[26]).toBe(120);
    expect(resStr[26]).toBe(1);
  });

  it('filters by min_touches and with a tight tolerance keeps pivots apart', () => {
    const [sup, res] = run({ min_touches: 3 });
    expect(sup[last]).toBeCloseTo(300.1 / 3, 12);
    expect(res[last]).toBeNaN(); // 110.15 has 2 touches, 120 has 1
    const [sup2, res2, supStr2, resStr2] = run({ tolerance: 0.05 }); // 0.2 apart is now too far
    expect(sup2[last]).toBe(100.2); // zones 100, 100.2, 99.9 apart; the highest below 105
    expect(supStr2[last]).toBe(1);
    expect(res2[last]).toBe(110);
    expect(resStr2[last]).toBe(1);
  });

  it('drops the zone touched longest ago when max_zones is reached', () => {
    // Two slots: the 100-zone (last touch bar 20) and the 110-zone (bar 16). 120 evicts the 110-zone.
    const [, res, , resStr] = run({ max_zones: 2 });
    expect(res[22]).toBeCloseTo(110.15, 12); // close 109.95
    expect(res[last]).toBe(120);
    expect(resStr[last]).toBe(1);
  });
});

/** Straightforward reference: brute-force pivots, zones as objects, a full scan on every bar. */
function referenceZones(
  f: ReturnType<typeof randomFeed>,
  left: number,
  right: number,
  tol: number,
  maxZones: number,
  minTouches: number,
) {
  const slots: { sum: number; touches: number; level: number; at: number }[] = [];
  const add = (price: number, at: number) => {
    let best = -1;
    slots.forEach((z, k) => {
      const d = Math.abs(price - z.level);
      if (d <= z.level * (tol / 100) && (best < 0 || d < Math.abs(price - slots[best].level))) best = k;
    });
    if (best < 0) {
      if (slots.length < maxZones) best = slots.push({ sum: 0, touches: 0, level: 0, at: 0 }) - 1;
      else best = slots.reduce((b, z, k) => (z.at < slots[b].at ? k : b), 0);
      slots[best] = { sum: 0, touches: 0, level: 0, at: 0 };
    }
    const z = slots[best];
    z.sum += price;
    z.touches++;
    z.level = z.sum / z.touches;
    z.at = at;
  };
  const isPivot = (v: Float64Array, p: number, sign: 1 | -1) => {
    for (let q = p - left; q <= p + right; q++) {
      if (q === p) continue;
      const d = sign * (v[p] - v[q]);
      if (q < p ? !(d > 0) : !(d >= 0)) return false;
    }
    return true;
  };
  const sup: number[] = [];
  const res: number[] = [];
  for (let i = 0; i < f.length; i++) {
    const p = i - right;
    if (p >= left && isPivot(f.high, p, 1)) add(f.high[p], p);
    if (p >= left && isPivot(f.low, p, -1)) add(f.low[p], p);
    const ok = slots.filter((z) => z.touches >= minTouches);
    const below = ok.filter((z) => z.level <= f.close[i]).map((z) => z.level);
    const above = ok.filter((z) => z.level > f.close[i]).map((z) => z.level);
    sup.push(below.length ? Math.max(...below) : NaN);
    res.push(above.length ? Math.min(...above) : NaN);
  }
  return { sup, res };
}

describe('zones against a plain reference', () => {
  it.each([
    [3, 3, 0.5, 12, 1],
    [5, 2, 1.0, 4, 2],
    [2, 6, 0.2, 30, 1],
  ])('left %i right %i tolerance %f max_zones %i min_touches %i', (left, right, tolerance, max_zones, min_touches) => {
    const f = randomFeed(2500, `zones-${left}-${right}`);
    const [sup, res] = ZONES.compute(f, { left, right, tolerance, max_zones, min_touches });
    const want = referenceZones(f, left, right, tolerance, max_zones, min_touches);
    expect(Array.from(sup)).toEqual(want.sup);
    expect(Array.from(res)).toEqual(want.res);
    expect(want.sup.filter((v) => !Number.isNaN(v)).length).toBeGreaterThan(1000);
  });
});
