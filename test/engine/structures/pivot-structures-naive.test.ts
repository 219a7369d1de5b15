import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { marketStructure, marketStructureInto } from '../../../src/engine/structures/market-structure.js';
import { swing, swingInto } from '../../../src/engine/structures/swing.js';
import { zones, zonesInto } from '../../../src/engine/structures/zones.js';

// The pivot structures (swing, market_structure, zones) against their definitions written as plain
// per-bar loops over pivot flags found by brute force: every output, every bar, compared with Object.is,
// on feeds built to hit the edge cases: ties (quantised prices), flat stretches, outside bars, NaN gaps in
// high, low and close separately, and series shorter than a pivot window.

interface Bars {
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

function bars(n: number, seed: string, step: number): Bars {
  const rng = seedrandom(seed);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= Math.exp((rng() - 0.5) * (i % 600 < 300 ? 0.01 : 0.03));
    const q = (x: number) => Math.round(x / step) * step;
    high[i] = q(p * (1 + rng() * 0.006));
    low[i] = q(p * (1 - rng() * 0.006));
    close[i] = q(low[i] + (high[i] - low[i]) * rng());
    if (rng() < 0.02) [high[i], low[i]] = [q(p * 1.02), q(p * 0.98)]; // outside bar: often a pivot high and low at once
  }
  for (let i = 400; i < 460 && i < n; i++) [high[i], low[i], close[i]] = [high[399], low[399], close[399]]; // flat
  for (const [arr, at] of [
    [high, 700],
    [low, 905],
    [close, 1100],
    [high, 1500],
    [low, 1500],
    [close, 1501],
  ] as const)
    if (at < n) arr[at] = NaN;
  return { high, low, close };
}

/** Pivot flags by definition: strictly beyond each of `left` bars before, at least each of `right` after, no NaN high or low in the window. */
function naivePivots(b: Bars, left: number, right: number): { isHigh: boolean[]; isLow: boolean[] } {
  const n = b.high.length;
  const isHigh: boolean[] = [];
  const isLow: boolean[] = [];
  for (let p = 0; p < n; p++) {
    let hi = p - left >= 0 && p + right < n;
    for (let q = p - left; q <= p + right && hi; q++) if (Number.isNaN(b.high[q]) || Number.isNaN(b.low[q])) hi = false;
    let lo = hi;
    for (let q = p - left; q <= p + right && (hi || lo); q++) {
      if (q === p) continue;
      if (q < p ? !(b.high[p] > b.high[q]) : !(b.high[p] >= b.high[q])) hi = false;
      if (q < p ? !(b.low[p] < b.low[q]) : !(b.low[p] <= b.low[q])) lo = false;
    }
    isHigh.push(hi);
    isLow.push(lo);
  }
  return { isHigh, isLow };
}

function naiveSwing(b: Bars, left: number, right: number): number[][] {
  const { isHigh, isLow } = naivePivots(b, left, right);
  const o: number[][] = [[], [], [], [], [], []];
  let [lh, ph, lhAt, ll, pl, llAt] = [NaN, NaN, -1, NaN, NaN, -1];
  for (let i = 0; i < b.high.length; i++) {
    const p = i - right;
    if (p >= 0 && isHigh[p]) [ph, lh, lhAt] = [lh, b.high[p], p];
    if (p >= 0 && isLow[p]) [pl, ll, llAt] = [ll, b.low[p], p];
    o[0].push(lh);
    o[1].push(ll);
    o[2].push(lhAt < 0 ? NaN : i - lhAt);
    o[3].push(llAt < 0 ? NaN : i - llAt);
    o[4].push(ph);
    o[5].push(pl);
  }
  return o;
}

function naiveMarketStructure(b: Bars, left: number, right: number): number[][] {
  const { isHigh, isLow } = naivePivots(b, left, right);
  const o: number[][] = [[], [], [], []];
  let [lh, ph, ll, pl, level, dir] = [NaN, NaN, NaN, NaN, NaN, NaN];
  let [highBroken, lowBroken] = [true, true];
  for (let i = 0; i < b.close.length; i++) {
    const p = i - right;
    if (p >= 0 && isHigh[p]) [ph, lh, highBroken] = [lh, b.high[p], false];
    if (p >= 0 && isLow[p]) [pl, ll, lowBroken] = [ll, b.low[p], false];
    const twoEach = !Number.isNaN(lh) && !Number.isNaN(ph) && !Number.isNaN(ll) && !Number.isNaN(pl);
    o[0].push(!twoEach ? NaN : lh > ph && ll > pl ? 1 : lh < ph && ll < pl ? -1 : 0);
    const c = b.close[i];
    let event = Number.isNaN(lh) && Number.isNaN(ll) ? NaN : 0;
    if (!highBroken && c > lh) [highBroken, event, level, dir] = [true, 1, lh, 1];
    else if (!lowBroken && c < ll) [lowBroken, event, level, dir] = [true, -1, ll, -1];
    o[1].push(Number.isNaN(c) ? NaN : event);
    o[2].push(level);
    o[3].push(dir);
  }
  return o;
}

/** Zones as described: nearest zone within tolerance joins (mean level), else a new zone or the stalest replaced; every bar scans every zone. */
function naiveZones(
  b: Bars,
  left: number,
  right: number,
  tolPct: number,
  maxZones: number,
  minTouches: number,
): number[][] {
  const { isHigh, isLow } = naivePivots(b, left, right);
  const zs: { sum: number; touches: number; level: number; lastAt: number }[] = [];
  const add = (price: number, at: number) => {
    let best = -1;
    for (let z = 0; z < zs.length; z++) {
      const d = Math.abs(price - zs[z].level);
      if (d <= Math.abs(zs[z].level) * (tolPct / 100) && (best < 0 || d < Math.abs(price - zs[best].level))) best = z;
    }
    if (best < 0) {
      if (zs.length < maxZones) best = zs.push({ sum: 0, touches: 0, level: 0, lastAt: 0 }) - 1;
      else {
        best = 0;
        for (let z = 1; z < zs.length; z++) if (zs[z].lastAt < zs[best].lastAt) best = z;
        zs[best] = { sum: 0, touches: 0, level: 0, lastAt: 0 };
      }
    }
    const zone = zs[best];
    zone.sum += price;
    zone.touches++;
    zone.level = zone.sum / zone.touches;
    zone.lastAt = at;
  };
  const o: number[][] = [[], [], [], [], [], []];
  for (let i = 0; i < b.close.length; i++) {
    const p = i - right;
    if (p >= 0 && isHigh[p]) add(b.high[p], p);
    if (p >= 0 && isLow[p]) add(b.low[p], p);
    const c = b.close[i];
    let sup = -1;
    let res = -1;
    for (let z = 0; z < zs.length; z++) {
      if (zs[z].touches < minTouches) continue;
      const lv = zs[z].level;
      if (lv <= c && (sup < 0 || lv > zs[sup].level)) sup = z;
      if (lv > c && (res < 0 || lv < zs[res].level)) res = z;
    }
    const s = sup < 0 ? undefined : zs[sup];
    const r = res < 0 ? undefined : zs[res];
    o[0].push(s ? s.level : NaN);
    o[1].push(r ? r.level : NaN);
    o[2].push(s ? s.touches : NaN);
    o[3].push(r ? r.touches : NaN);
    o[4].push(s ? ((c - s.level) / c) * 100 : NaN);
    o[5].push(r ? ((r.level - c) / c) * 100 : NaN);
  }
  return o;
}

/** The first bar where got and want differ by Object.is, per output, or -1: a readable failure. */
function firstDiff(got: Float64Array[], want: number[][]): number[] {
  return want.map((w, k) => w.findIndex((x, i) => !Object.is(got[k][i], x)));
}

const garbage = (k: number, n: number) => Array.from({ length: k }, () => new Float64Array(n).fill(-7.5));

const CASES: [number, number, number][] = [
  [1, 1, 2000],
  [2, 5, 2000],
  [5, 2, 2000],
  [5, 5, 2500],
  [3, 3, 1600],
  [13, 40, 2500],
  [5, 5, 8],
  [2, 2, 3],
];
const STEPS = [0.25, 2, 0.0001]; // coarse ticks make ties and equal zone levels common

describe('pivot structures against naive per-bar loops', () => {
  it.each(CASES)('swing, left %i, right %i, %i bars', (left, right, n) => {
    for (const step of STEPS) {
      const b = bars(n, `sw${left}/${right}/${step}`, step);
      const want = naiveSwing(b, left, right);
      expect(firstDiff(swingInto(b.high, b.low, left, right, garbage(6, n)), want)).toEqual(want.map(() => -1));
      const s = swing(b.high, b.low, left, right);
      expect(firstDiff([s.lastHigh, s.lastLow, s.highAge, s.lowAge, s.prevHigh, s.prevLow], want)).toEqual(
        want.map(() => -1),
      );
    }
  });

  it.each(CASES)('market_structure, left %i, right %i, %i bars', (left, right, n) => {
    for (const step of STEPS) {
      const b = bars(n, `ms${left}/${right}/${step}`, step);
      const want = naiveMarketStructure(b, left, right);
      expect(firstDiff(marketStructureInto(b.high, b.low, b.close, left, right, garbage(4, n)), want)).toEqual(
        want.map(() => -1),
      );
      const m = marketStructure(b.high, b.low, b.close, left, right);
      expect(firstDiff([m.trend, m.bos, m.bosLevel, m.bosDir], want)).toEqual(want.map(() => -1));
    }
  });

  it.each(CASES)('zones, left %i, right %i, %i bars', (left, right, n) => {
    for (const step of STEPS) {
      const b = bars(n, `zn${left}/${right}/${step}`, step);
      for (const [tol, maxZones, minTouches] of [
        [0.5, 12, 1],
        [2, 3, 2],
        [0.01, 64, 1],
        [20, 1, 1],
        [1, 8, 3],
      ]) {
        const want = naiveZones(b, left, right, tol, maxZones, minTouches);
        expect(
          firstDiff(zonesInto(b.high, b.low, b.close, left, right, tol, maxZones, minTouches, garbage(6, n)), want),
        ).toEqual(want.map(() => -1));
        const z = zones(b.high, b.low, b.close, left, right, tol, maxZones, minTouches);
        const got = [z.support, z.resistance, z.supportStrength, z.resistanceStrength, z.supportDist, z.resistanceDist];
        expect(firstDiff(got, want)).toEqual(want.map(() => -1));
      }
    }
  });

  it('never mutates its inputs', () => {
    const b = bars(1200, 'mut', 0.25);
    const copy = { high: Float64Array.from(b.high), low: Float64Array.from(b.low), close: Float64Array.from(b.close) };
    swing(b.high, b.low, 3, 3);
    marketStructure(b.high, b.low, b.close, 5, 5);
    zones(b.high, b.low, b.close, 5, 5, 0.5, 12, 1);
    expect(b).toEqual(copy);
  });
});
