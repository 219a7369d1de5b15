import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { cci } from '../../../src/engine/indicators/cci.js';
import { rollingMax, rollingMin } from '../../../src/engine/indicators/rolling.js';
import { stoch } from '../../../src/engine/indicators/stoch.js';
import { willr } from '../../../src/engine/indicators/willr.js';

// The block-based rolling extremes and the interleaved CCI against plain window loops, exactly (same
// doubles): ties from quantised prices, NaNs at block edges, periods from 1 to longer than the series.

function quantised(n: number, seed: string): Float64Array {
  const rng = seedrandom(seed);
  const out = new Float64Array(n);
  let p = 50;
  for (let i = 0; i < n; i++) {
    p += Math.round((rng() - 0.5) * 8) * 0.5;
    out[i] = p;
  }
  return out;
}

const naiveExtreme = (v: Float64Array, period: number, max: boolean, i: number): number => {
  if (i < period - 1) return NaN;
  let m = max ? -Infinity : Infinity;
  for (let j = i - period + 1; j <= i; j++) {
    if (v[j] !== v[j]) return NaN;
    m = max ? Math.max(m, v[j]) : Math.min(m, v[j]);
  }
  return m;
};

describe('rolling extremes and range position against window scans', () => {
  const high = quantised(400, 'h');
  const low = Float64Array.from(high, (h, i) => h - 1 - (i % 4) * 0.5);
  const close = Float64Array.from(high, (h, i) => h - (i % 5) * 0.25);
  high[41] = NaN; // 41 is the first bar of a block for period 41, the last for period 42
  low[120] = NaN;
  it.each([1, 2, 3, 7, 14, 41, 42, 100, 399, 400, 401])('period %i', (period) => {
    const mx = rollingMax(high, period);
    const mn = rollingMin(low, period);
    const w = willr(high, low, close, period);
    const [k] = stoch(high, low, close, Math.max(2, period), 1, 1);
    const kp = Math.max(2, period);
    for (let i = 0; i < high.length; i++) {
      const hh = naiveExtreme(high, period, true, i);
      const ll = naiveExtreme(low, period, false, i);
      expect([i, mx[i]]).toEqual([i, hh]);
      expect([i, mn[i]]).toEqual([i, ll]);
      const range = hh - ll;
      const x = hh - close[i];
      expect([i, w[i]]).toEqual([i, i < period - 1 ? NaN : range === 0 && x === x ? 0 : (-100 * x) / range]);
      const kh = naiveExtreme(high, kp, true, i);
      const kl = naiveExtreme(low, kp, false, i);
      const y = close[i] - kl;
      expect([i, k[i]]).toEqual([i, i < kp - 1 ? NaN : kh - kl === 0 && y === y ? 0 : (100 * y) / (kh - kl)]);
    }
  });
});

describe('cci against the one-bar-at-a-time loop', () => {
  it.each([2, 3, 5, 20, 101])('period %i, to the last bits of the running mean', (period) => {
    const h = quantised(503, `c${period}`);
    const l = Float64Array.from(h, (x) => x - 1.5);
    const c = Float64Array.from(h, (x, i) => x - (i % 3) * 0.5);
    c[250] = NaN;
    const out = cci(h, l, c, period);
    const tp = Float64Array.from(c, (_, i) => (h[i] + l[i] + c[i]) / 3);
    for (let i = 0; i < c.length; i++) {
      if (i < period - 1) {
        expect(out[i]).toBeNaN();
        continue;
      }
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += tp[j];
      const mean = sum / period;
      let dev = 0;
      for (let j = i - period + 1; j <= i; j++) dev += Math.abs(tp[j] - mean);
      dev /= period;
      const want = mean !== mean ? NaN : dev === 0 ? 0 : (tp[i] - mean) / (0.015 * dev);
      // The kernel's mean comes from a resynced running sum, so it may differ from this plain sum in the last bits.
      if (want !== want) expect(out[i]).toBeNaN();
      else expect(Math.abs(out[i] - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
    }
  });
});
