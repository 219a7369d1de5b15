import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { pivotLists } from '../../../src/engine/structures/pivots.js';
import { volRegime, volRegimeInto } from '../../../src/engine/structures/vol-regime.js';

// The fast kernels (linked-list rolling rank, early-exit pivot scan into lists) against their definitions written
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

/** Realised vol as its definition reads: every return stored, running sums (add the new, then drop the one leaving). */
function naiveVol(close: Float64Array, w: number): Float64Array {
  const n = close.length;
  const rets = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n; i++) rets[i] = Math.log(close[i] / close[i - 1]);
  const vol = new Float64Array(n).fill(NaN);
  let sum = 0;
  let sumSq = 0;
  let nan = 0;
  for (let i = 1; i < n; i++) {
    if (Number.isNaN(rets[i])) nan++;
    else {
      sum += rets[i];
      sumSq += rets[i] * rets[i];
    }
    if (i - w >= 1) {
      if (Number.isNaN(rets[i - w])) nan--;
      else {
        sum -= rets[i - w];
        sumSq -= rets[i - w] * rets[i - w];
      }
    }
    if (i >= w && nan === 0) vol[i] = Math.sqrt(w > 1 ? Math.max(0, (sumSq - (sum * sum) / w) / (w - 1)) : 0) * 100;
  }
  return vol;
}

describe('vol_regime, every output, against naive loops', () => {
  it.each([
    [96, 960, 3000],
    [20, 100, 2500],
    [2, 3, 700],
    [1, 2, 300],
    [7, 5, 6],
    [50, 10, 30],
  ])('window %i, lookback %i, %i bars, with ties, flat stretches, NaN and zero prices', (w, L, n) => {
    for (const seed of ['a', 'b']) {
      const close = series(Math.max(n, 1400), `vf${w}${seed}`).subarray(0, n);
      if (n > 650) close[600] = NaN;
      if (n > 40) close[37] = close[36];
      if (n > 2200) close[2100] = 0; // a zero price: infinite returns, NaN vol while they are in the window
      const before = Float64Array.from(close);
      const vol = naiveVol(close, w);
      const out = [0, 1, 2].map(() => new Float64Array(n).fill(12345));
      volRegimeInto(close, w, L, 25, 75, out);
      const r = volRegime(close, w, L, 30, 60);
      for (let i = 0; i < n; i++) {
        let nan = i < L - 1 || Number.isNaN(vol[i]);
        let less = 0;
        let equal = 0;
        for (let j = i - L + 1; j <= i && !nan; j++) {
          if (Number.isNaN(vol[j])) nan = true;
          else if (vol[j] < vol[i]) less++;
          else if (vol[j] === vol[i]) equal++;
        }
        const pct = nan ? NaN : (100 * (less + (equal + 1) / 2)) / L;
        const at = `bar ${i}`;
        expect([at, Object.is(out[2][i], vol[i])]).toEqual([at, true]);
        expect([at, Object.is(out[1][i], pct)]).toEqual([at, true]);
        expect([at, Object.is(out[0][i], nan ? NaN : pct >= 75 ? 2 : pct <= 25 ? 0 : 1)]).toEqual([at, true]);
        expect([at, Object.is(r.regime[i], nan ? NaN : pct >= 60 ? 2 : pct <= 30 ? 0 : 1)]).toEqual([at, true]);
      }
      expect(close).toEqual(before);
    }
  });
});

describe('pivotLists against the definition', () => {
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
    const { highs, lows } = pivotLists(high, low, left, right);
    const n = high.length;
    const isHigh = new Uint8Array(n);
    const isLow = new Uint8Array(n);
    for (let k = 0; k < highs.count; k++) isHigh[highs.bars[k]] = 1;
    for (let k = 0; k < lows.count; k++) isLow[lows.bars[k]] = 1;
    expect([...highs.bars.subarray(0, highs.count)]).toEqual(
      [...highs.bars.subarray(0, highs.count)].sort((a, b) => a - b),
    );
    for (let p = 0; p < n; p++) {
      let hi = p >= left && p + right < n;
      let lo = hi;
      for (let q = p - left; q <= p + right && hi !== false; q++)
        if (q >= 0 && q < n && (high[q] !== high[q] || low[q] !== low[q])) hi = lo = false;
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
