import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { VOL_REGIME, volRegime } from '../../../src/engine/structures/vol-regime.js';
import { randomFeed } from '../../helpers/random-feed.js';

/** Closes whose log returns are +-calm for `a` bars, then +-wild for `b` bars (or the reverse). */
function halves(first: number, second: number, a = 300, b = 300): Float64Array {
  const rng = seedrandom('halves');
  const out = new Float64Array(a + b + 1);
  out[0] = 100;
  for (let i = 1; i < out.length; i++) out[i] = out[i - 1] * Math.exp((rng() - 0.5) * 2 * (i <= a ? first : second));
  return out;
}

const W = 20;
const L = 100;

describe('vol_regime', () => {
  it('reads high when a wild half follows a calm one, and low when a calm half follows a wild one', () => {
    const up = volRegime(halves(0.001, 0.03), W, L, 25, 75);
    // Bars 301.. carry wild returns; from 305 to 325 at least 75 of the 100 ranked values are calm and lower.
    for (let i = 305; i <= 325; i++) expect(up.regime[i]).toBe(2);
    expect(up.percentile[310]).toBe(100);
    const down = volRegime(halves(0.03, 0.001), W, L, 25, 75);
    // From 320 the vol window is all calm; for 25 bars at most 25 ranked values are as low.
    for (let i = 320; i <= 344; i++) expect(down.regime[i]).toBe(0);
    expect(down.vol[330]).toBeLessThan(0.1);
    expect(down.vol[290]).toBeGreaterThan(1);
  });

  it('matches a naive stdev and pandas-style average-rank percentile', () => {
    const f = randomFeed(500, 'vr');
    const r = volRegime(f.close, W, L, 25, 75);
    for (let i = 0; i < f.length; i++) {
      if (i < W) {
        expect(r.vol[i]).toBeNaN();
        continue;
      }
      const rets = Array.from({ length: W }, (_, k) => Math.log(f.close[i - k] / f.close[i - k - 1]));
      const mean = rets.reduce((s, x) => s + x, 0) / W;
      const sd = Math.sqrt(rets.reduce((s, x) => s + (x - mean) ** 2, 0) / (W - 1)) * 100;
      expect(r.vol[i]).toBeCloseTo(sd, 10);
      if (i < W + L - 1) {
        expect(r.percentile[i]).toBeNaN();
        continue;
      }
      const win = Array.from(r.vol.subarray(i - L + 1, i + 1));
      const less = win.filter((v) => v < r.vol[i]).length;
      const equal = win.filter((v) => v === r.vol[i]).length;
      expect(r.percentile[i]).toBeCloseTo((100 * (less + (equal + 1) / 2)) / L, 12);
      const pct = r.percentile[i];
      expect(r.regime[i]).toBe(pct >= 75 ? 2 : pct <= 25 ? 0 : 1);
    }
  });

  it('counts ties as pandas average rank does (a flat market is normal, not high)', () => {
    const flat = new Float64Array(200).fill(50);
    const r = volRegime(flat, W, L, 25, 75);
    expect(r.percentile[150]).toBeCloseTo(50.5, 12);
    expect(r.regime[150]).toBe(1);
  });

  it('starts exactly at its warmup on gap-free input and is NaN around a missing close', () => {
    const f = randomFeed(300, 'vw');
    const p = { window: 10, lookback: 30, low: 25, high: 75 };
    const [regime] = VOL_REGIME.compute(f, p);
    expect(VOL_REGIME.warmup(p)).toBe(39);
    expect(regime.findIndex((v) => !Number.isNaN(v))).toBe(39);
    const close = Float64Array.from(f.close);
    close[100] = NaN;
    const r = volRegime(close, 10, 30, 25, 75);
    expect(r.vol[99]).not.toBeNaN();
    expect(r.vol[100]).toBeNaN();
    expect(r.vol[110]).toBeNaN(); // return 101 uses close 100
    expect(r.vol[111]).not.toBeNaN();
    expect(r.percentile[139]).toBeNaN();
    expect(r.percentile[140]).not.toBeNaN();
  });
});
