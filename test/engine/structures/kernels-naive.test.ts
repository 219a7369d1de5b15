import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { pivotFlags } from '../../../src/engine/structures/pivots.js';
import { volRegime } from '../../../src/engine/structures/vol-regime.js';

// The fast kernels (linked-list rolling rank, early-exit pivot scan) against their definitions written
// as plain O(n * window) loops, on data built to hit the edge cases: ties (quantised prices), NaN gaps,
// flat stretches and lookbacks far longer than a block of the series.

function series(n: number, seed: string, step = 0.25): Float64Array {
  const rng = seedrandom(seed);
  const out = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= Math.exp((rng() - 0.5) * (i % 700 < 350 ? 0.01 : 0.04));
    out[i] = Math.round(p / step) * step;
  }
  for (let i = 1200; i < 1300; i++) out[i] = out[1199]; // flat: all-equal vols and ties
  return out;
}

describe('vol_regime rank against a naive window count', () => {
  it.each([
    [20, 100],
    [5, 960],
    [2, 3],
  ])('window %i, lookback %i, with ties and NaN gaps', (w, L) => {
    const close = series(3000, `vr${w}`);
    close[600] = NaN;
    close[2500] = NaN;
    const r = volRegime(close, w, L, 25, 75);
    for (let i = 0; i < close.length; i++) {
      let nan = i < L - 1 || r.vol[i] !== r.vol[i];
      let less = 0;
      let equal = 0;
      for (let j = i - L + 1; j <= i && !nan; j++) {
        const x = r.vol[j];
        if (x !== x) nan = true;
        else if (x < r.vol[i]) less++;
        else if (x === r.vol[i]) equal++;
      }
      if (nan) {
        expect(r.percentile[i]).toBeNaN();
        continue;
      }
      expect(r.percentile[i]).toBe((100 * (less + (equal + 1) / 2)) / L);
    }
  });
});

describe('pivotFlags against the definition', () => {
  it.each([
    [1, 1],
    [2, 5],
    [5, 2],
    [5, 5],
    [13, 40],
  ])('left %i, right %i', (left, right) => {
    const high = series(2500, `ph${left}`);
    const low = Float64Array.from(high, (h, i) => h - (i % 3) * 0.25);
    high[900] = NaN;
    low[1500] = NaN;
    const { isHigh, isLow } = pivotFlags(high, low, left, right);
    const n = high.length;
    for (let p = 0; p < n; p++) {
      let hi = p >= left && p + right < n;
      let lo = hi;
      for (let q = p - left; q <= p + right && hi !== false; q++) if (q >= 0 && q < n && (high[q] !== high[q] || low[q] !== low[q])) hi = lo = false;
      for (let q = p - left; q <= p + right && (hi || lo); q++) {
        if (q === p) continue;
        if (q < p ? !(high[p] > high[q]) : !(high[p] >= high[q])) hi = false;
        if (q < p ? !(low[p] < low[q]) : !(low[p] <= low[q])) lo = false;
      }
      expect([p, isHigh[p]]).toEqual([p, hi ? 1 : 0]);
      expect([p, isLow[p]]).toEqual([p, lo ? 1 : 0]);
    }
  });
});
