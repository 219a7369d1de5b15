import { describe, expect, it } from 'vitest';
import { SWING, swing } from '../../../src/engine/structures/swing.js';
import { randomFeed } from '../../helpers/random-feed.js';
import { barsFeed } from './paths.js';

const nanArr = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

describe('swing', () => {
  // left = right = 2. Highs peak at bar 2 (5) and bar 6 (6); lows trough at bar 4 (1).
  const high = [1, 2, 5, 3, 2, 4, 6, 3, 1, 2];
  const low = high.map((h) => h - 1);

  it('finds hand-computed pivots and shows each only once confirmed, right bars later', () => {
    const s = swing(Float64Array.from(high), Float64Array.from(low), 2, 2);
    // Pivot high at 2 is confirmed by bar 4; the pivot high at 6 by bar 8. Bar 7 must still see 5, not 6.
    expect(nanArr(s.lastHigh)).toEqual([null, null, null, null, 5, 5, 5, 5, 6, 6]);
    expect(nanArr(s.highAge)).toEqual([null, null, null, null, 2, 3, 4, 5, 2, 3]);
    expect(nanArr(s.prevHigh)).toEqual([null, null, null, null, null, null, null, null, 5, 5]);
    // Pivot low at 4 (low 1) is confirmed at bar 6. Bar 8's low 0 has only one bar after it: never a pivot.
    expect(nanArr(s.lastLow)).toEqual([null, null, null, null, null, null, 1, 1, 1, 1]);
    expect(nanArr(s.lowAge)).toEqual([null, null, null, null, null, null, 2, 3, 4, 5]);
    expect(nanArr(s.prevLow)).toEqual(Array(10).fill(null));
  });

  it('gives a flat top one pivot (its first bar) and treats NaN as "no pivot"', () => {
    const flat = swing(Float64Array.from([1, 3, 3, 1, 0]), Float64Array.from([0, 2, 2, 0, -1]), 1, 1);
    expect(nanArr(flat.lastHigh)).toEqual([null, null, 3, 3, 3]);
    expect(nanArr(flat.highAge)).toEqual([null, null, 1, 2, 3]);
    const withNaN = swing(Float64Array.from([1, 2, 5, NaN, 2, 1]), Float64Array.from([0, 1, 4, 3, 1, 0]), 2, 2);
    expect(nanArr(withNaN.lastHigh)).toEqual(Array(6).fill(null));
  });

  it('matches a brute-force pivot search on random data for several left/right, with missing bars', () => {
    const clean = randomFeed(600, 'swing');
    const high = Float64Array.from(clean.high);
    const low = Float64Array.from(clean.low);
    for (const gap of [100, 300, 301]) high[gap] = low[gap] = NaN;
    const f = { ...clean, high, low };
    for (const [left, right] of [
      [1, 1],
      [2, 5],
      [5, 2],
      [7, 7],
    ]) {
      const s = swing(f.high, f.low, left, right);
      let lh = NaN;
      let lhAt = -1;
      let ll = NaN;
      for (let i = 0; i < f.length; i++) {
        const p = i - right;
        if (p >= left) {
          let isH = true;
          let isL = true;
          for (let q = p - left; q <= p + right; q++) {
            if (q === p) continue;
            if (q < p ? !(f.high[p] > f.high[q]) : !(f.high[p] >= f.high[q])) isH = false;
            if (q < p ? !(f.low[p] < f.low[q]) : !(f.low[p] <= f.low[q])) isL = false;
          }
          if (isH) [lh, lhAt] = [f.high[p], p];
          if (isL) ll = f.low[p];
        }
        expect(s.lastHigh[i]).toEqual(lh);
        expect(s.lastLow[i]).toEqual(ll);
        expect(s.highAge[i]).toEqual(lhAt < 0 ? NaN : i - lhAt);
      }
      expect(s.highAge[599]).toBeLessThan(60); // pivots keep being found after the gaps
    }
  });

  it('reaches its warmup exactly when the first possible pivot is one', () => {
    const left = 3;
    const right = 4;
    const hs = [1, 2, 3, 9, 8, 7, 6, 5, 4, 3];
    const out = SWING.compute(
      barsFeed(
        hs,
        hs.map((h) => h - 1),
        hs,
      ),
      { left, right },
    );
    expect(SWING.warmup({ left, right })).toBe(7);
    expect(out[0].findIndex((v) => !Number.isNaN(v))).toBe(7);
    expect(SWING.outputs).toEqual(['last_high', 'last_low', 'high_age', 'low_age', 'prev_high', 'prev_low']);
  });
});
