// Tiny inputs whose outputs are worked out by hand in the comments: they pin down warm-up bars and
// conventions (seeds, band ratchets, direction signs) independently of any library.
import { describe, expect, it } from 'vitest';
import { dema } from '../../../src/engine/indicators/dema.js';
import { donchian } from '../../../src/engine/indicators/donchian.js';
import { hma } from '../../../src/engine/indicators/hma.js';
import { obv } from '../../../src/engine/indicators/obv.js';
import { rollingSumInto } from '../../../src/engine/indicators/rolling.js';
import { supertrend } from '../../../src/engine/indicators/supertrend.js';
import { tema } from '../../../src/engine/indicators/tema.js';
import { vwap } from '../../../src/engine/indicators/vwap.js';
import { wma } from '../../../src/engine/indicators/wma.js';

const f = (xs: number[]): Float64Array => Float64Array.from(xs);
const expectSeries = (got: Float64Array, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    if (Number.isNaN(w)) expect(got[i], `bar ${i}`).toBeNaN();
    else expect(got[i], `bar ${i}`).toBeCloseTo(w, 12);
  });
};

describe('hand-computed cases', () => {
  it('wma([1,2,3,4], 3): (1+4+9)/6, (2+6+12)/6', () => {
    expectSeries(wma(f([1, 2, 3, 4]), 3), [NaN, NaN, 14 / 6, 20 / 6]);
  });

  it('dema([1..5], 2): alpha 2/3; E1 = 1.5, 2.5, 3.5, 4.5 from bar 1; E2 = 2 (mean 1.5, 2.5), 3, 4 from bar 2; 2 E1 - E2 = 3, 4, 5', () => {
    expectSeries(dema(f([1, 2, 3, 4, 5]), 2), [NaN, NaN, 3, 4, 5]);
  });

  it('tema([1..6], 2): E3 seeded at bar 3 = mean(E2 2, 3) = 2.5; 3*3.5 - 3*3 + 2.5 = 4, then 5, 6 (no lag on a line)', () => {
    expectSeries(tema(f([1, 2, 3, 4, 5, 6]), 2), [NaN, NaN, NaN, 4, 5, 6]);
  });

  it('hma([1..8], 4): half 2, sqrt 2; on a line WMA(p) lags (p-1)/3, so HMA = t - 1/3 - 2/3 + 1 = t from bar 4', () => {
    expectSeries(hma(f([1, 2, 3, 4, 5, 6, 7, 8]), 4), [NaN, NaN, NaN, NaN, 5, 6, 7, 8]);
  });

  it('donchian(3): highs 3,5,4,2,6 / lows 1,2,1,0,3', () => {
    const [u, m, l] = donchian(f([3, 5, 4, 2, 6]), f([1, 2, 1, 0, 3]), 3);
    expectSeries(u, [NaN, NaN, 5, 5, 6]);
    expectSeries(l, [NaN, NaN, 1, 0, 0]);
    expectSeries(m, [NaN, NaN, 3, 2.5, 3]);
  });

  it('vwap(2) with h = l = c: prices 10,20,30, volumes 1,1,2 -> 15, (20 + 60) / 3; zero volume -> NaN', () => {
    const p = f([10, 20, 30, 40]);
    expectSeries(vwap(p, p, p, f([1, 1, 2, 0]), 2), [NaN, 15, 80 / 3, 30]);
    expectSeries(vwap(p, p, p, f([1, 0, 0, 0]), 2), [NaN, 10, NaN, NaN]);
  });

  it('obv: 0, +vol on up close, -vol on down close, unchanged on equal', () => {
    expectSeries(obv(f([10, 11, 11, 9, 12]), f([5, 3, 7, 2, 4])), [0, 3, 3, 1, 5]);
  });

  it('supertrend(1, 1): starts down on the upper band, flips up when close clears it, back down below the ratcheted lower band', () => {
    // ATR(1) = true range from bar 1.
    // bar1: TR max(1, 1.5, 0.5) = 1.5, hl2 10.5 -> bands 12 / 9; first bar: down, value 12.
    // bar2: TR 2.5, hl2 12.25 -> 14.75 / 9.75; lower 9.75 > 9 -> 9.75; upper keeps 12; close 12.8 > 12 -> up, value 9.75.
    // bar3: TR 0.9, hl2 12.45 -> 13.35 / 11.55; lower 11.55; prev close 12.8 > 12 -> upper 13.35; close 12.2 >= 11.55 -> up, 11.55.
    // bar4: TR 2.3, hl2 11.15 -> 13.45 / 8.85; lower stays 11.55; upper stays 13.35; close 10.2 < 11.55 -> down, 13.35.
    const [value, dir] = supertrend(
      f([10, 11, 13, 12.9, 12.3]),
      f([9, 10, 11.5, 12, 10]),
      f([9.5, 10.5, 12.8, 12.2, 10.2]),
      1,
      1,
    );
    expectSeries(value, [NaN, 12, 9.75, 11.55, 13.35]);
    expectSeries(dir, [NaN, -1, 1, 1, -1]);
  });

  it('rollingSumInto resyncs exactly: a long run of large values followed by zeros sums to exactly 0', () => {
    const xs = new Float64Array(1000);
    for (let i = 0; i < 500; i++) xs[i] = 1e8 + 0.1 * i;
    const out = new Float64Array(1000).fill(NaN);
    rollingSumInto(xs, 7, 0, out);
    for (let i = 506; i < 1000; i++) expect(out[i]).toBe(0);
  });
});
