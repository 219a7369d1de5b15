import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/engine/errors.js';
import { alignIndex, alignOutputs, alignSeries, resampleFeed, sharedAlignIndex } from '../../src/engine/feeds.js';
import { SMA } from '../../src/engine/indicators/sma.js';
import type { Feed } from '../../src/engine/types.js';
import { perturbAfter } from '../helpers/lookahead.js';
import { randomFeed } from '../helpers/random-feed.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC

/** A feed with the given bar open times; prices are arbitrary but distinct. */
function feedAt(times: number[], tf: string, tfMs: number): Feed {
  const n = times.length;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    tf,
    tfMs,
    time: Float64Array.from(times),
    open: col((i) => 100 + i),
    high: col((i) => 102 + i),
    low: col((i) => 99 + i),
    close: col((i) => 101 + i),
    volume: col((i) => 10 + i),
    length: n,
  };
}

/** Keep the bars whose index passes `keep` (to make gaps). */
function subset(feed: Feed, keep: (i: number) => boolean): Feed {
  const idx = Array.from({ length: feed.length }, (_, i) => i).filter(keep);
  const pick = (a: Float64Array) => Float64Array.from(idx, (i) => a[i]);
  return {
    tf: feed.tf,
    tfMs: feed.tfMs,
    time: pick(feed.time),
    open: pick(feed.open),
    high: pick(feed.high),
    low: pick(feed.low),
    close: pick(feed.close),
    volume: pick(feed.volume),
    length: idx.length,
  };
}

/** Independent resampler: group by an explicitly computed bucket key, keep groups with every bar present. */
function naiveResample(feed: Feed, bucketMs: number, bucketOf: (t: number) => number) {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < feed.length; i++) {
    const key = bucketOf(feed.time[i]);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const rows: number[][] = [];
  for (const [key, idx] of [...groups].sort((a, b) => a[0] - b[0])) {
    const expected = Array.from({ length: bucketMs / feed.tfMs }, (_, m) => key + m * feed.tfMs);
    if (idx.length !== expected.length || idx.some((i, m) => feed.time[i] !== expected[m])) continue;
    rows.push([
      key,
      feed.open[idx[0]],
      Math.max(...idx.map((i) => feed.high[i])),
      Math.min(...idx.map((i) => feed.low[i])),
      feed.close[idx[idx.length - 1]],
      idx.reduce((s, i) => s + feed.volume[i], 0),
    ]);
  }
  return rows;
}

const rowsOf = (f: Feed) =>
  Array.from({ length: f.length }, (_, k) => [f.time[k], f.open[k], f.high[k], f.low[k], f.close[k], f.volume[k]]);

describe('alignIndex / alignSeries', () => {
  it('shows a 4h bar from the 1h bar that closes with it, not before (hand-computed)', () => {
    const exec = feedAt(
      Array.from({ length: 9 }, (_, i) => T0 + i * H),
      '1h',
      H,
    );
    const htf = feedAt([T0, T0 + 4 * H], '4h', 4 * H);
    const index = alignIndex(exec, htf);
    // 00:00, 01:00, 02:00 close before 04:00 -> nothing closed; 03:00 closes at 04:00 -> the 00:00 4h bar.
    expect(Array.from(index)).toEqual([-1, -1, -1, 0, 0, 0, 0, 1, 1]);
    const aligned = alignSeries(Float64Array.from([10, 20]), index);
    expect(Array.from(aligned)).toEqual([NaN, NaN, NaN, 10, 10, 10, 10, 20, 20]);
    expect(aligned[2]).toBeNaN(); // 02:00 bar: the 4h bar is still open
  });

  it('sharedAlignIndex: the hand-computed index, built once per pair of feeds, rebuilt for another pair', () => {
    const exec = feedAt(
      Array.from({ length: 9 }, (_, i) => T0 + i * H),
      '1h',
      H,
    );
    const htf = feedAt([T0, T0 + 4 * H], '4h', 4 * H);
    const first = sharedAlignIndex(exec, htf);
    expect(Array.from(first)).toEqual([-1, -1, -1, 0, 0, 0, 0, 1, 1]);
    expect(sharedAlignIndex(exec, htf)).toBe(first);
    // Same times read as 2h bars: each closes at time + 2h, so the first is visible from the 01:00 bar on.
    const asTwoHour = { ...htf, tf: '2h', tfMs: 2 * H };
    expect(Array.from(sharedAlignIndex(exec, asTwoHour))).toEqual([-1, 0, 0, 0, 0, 1, 1, 1, 1]);
    const later = feedAt([T0 + 4 * H], '4h', 4 * H);
    expect(Array.from(sharedAlignIndex(exec, later))).toEqual([-1, -1, -1, -1, -1, -1, -1, 0, 0]);
  });

  it('handles gaps in both feeds by time, not by position', () => {
    // htf misses 04:00-08:00; exec misses 05:00 and 06:00 and has a bar at 11:00.
    const exec = feedAt(
      [0, 1, 2, 3, 4, 7, 8, 11].map((h) => T0 + h * H),
      '1h',
      H,
    );
    const htf = feedAt([T0, T0 + 8 * H], '4h', 4 * H);
    expect(Array.from(alignIndex(exec, htf))).toEqual([-1, -1, -1, 0, 0, 0, 0, 1]);
    // A gap at the start of the htf feed: nothing visible until its first bar closes.
    const late = feedAt([T0 + 4 * H], '4h', 4 * H);
    expect(Array.from(alignIndex(exec, late))).toEqual([-1, -1, -1, -1, -1, 0, 0, 0]);
  });

  it('agrees with a brute-force search on random gappy feeds', () => {
    const exec = subset(randomFeed(700, 'e', '15m', 900_000, T0), (i) => i % 13 !== 5);
    const htf = subset(randomFeed(60, 'h', '4h', 4 * H, T0), (i) => i % 7 !== 3);
    const index = alignIndex(exec, htf);
    for (let j = 0; j < exec.length; j++) {
      let want = -1;
      for (let k = 0; k < htf.length; k++) if (htf.time[k] + htf.tfMs <= exec.time[j] + exec.tfMs) want = k;
      expect(index[j]).toBe(want);
    }
  });

  it('cannot leak the future: changing exec and htf bars after t leaves every aligned value at bars closing by t alone', () => {
    const exec = randomFeed(400, 'x', '1h', H, T0);
    const htf = randomFeed(100, 'y', '4h', 4 * H, T0);
    const compute = (e: Feed, h: Feed) => alignOutputs(SMA.compute(h, { period: 3 }), e, h)[0];
    const base = compute(exec, htf);
    for (const i of [2, 3, 4, 50, 201, 398]) {
      const t = exec.time[i] + exec.tfMs; // bar i's close
      let k = -1; // last htf bar closed by t: everything after it may change
      while (k + 1 < htf.length && htf.time[k + 1] + htf.tfMs <= t) k++;
      const e2 = perturbAfter(exec, i, `e${i}`);
      const h2 = k + 1 < htf.length ? perturbAfter(htf, Math.max(k, 0), `h${i}`) : htf;
      if (k < 0) (h2.close as Float64Array)[0] = -1; // nothing of the htf is visible yet; change its first bar too
      const after = compute(e2, h2);
      for (let j = 0; j <= i; j++)
        expect(Object.is(after[j], base[j]) || (Number.isNaN(after[j]) && Number.isNaN(base[j]))).toBe(true);
      // The future really changed something (so this test could fail).
      if (i < 390) expect(Array.from(after.subarray(i + 8))).not.toEqual(Array.from(base.subarray(i + 8)));
    }
  });
});

describe('resampleFeed', () => {
  it('matches an independent grouping for 1h -> 4h and 15m -> 1d, dropping incomplete buckets', () => {
    // Start at 02:00 so the first 4h bucket is incomplete; remove bars to punch holes in others.
    const h1 = subset(randomFeed(500, 'r1', '1h', H, T0 + 2 * H), (i) => i !== 40 && i !== 41 && i !== 333);
    const r4 = resampleFeed(h1, '4h');
    const want4 = naiveResample(h1, 4 * H, (t) => t - (t % (4 * H)));
    expect(rowsOf(r4)).toEqual(want4);
    expect(r4.tf).toBe('4h');
    expect(r4.tfMs).toBe(4 * H);
    expect(r4.time[0]).toBe(T0 + 4 * H); // 00:00-04:00 held only 02:00 and 03:00
    expect(want4.length).toBe(Math.floor((500 - 2) / 4) - 2); // 124 full buckets, minus the two with holes

    const m15 = subset(randomFeed(3000, 'r2', '15m', 900_000, T0), (i) => i !== 1000);
    const d1 = resampleFeed(m15, '1d');
    expect(rowsOf(d1)).toEqual(naiveResample(m15, 24 * H, (t) => t - (t % (24 * H))));
    expect(d1.length).toBe(30); // 31.25 days of bars: day 11 has a hole, day 32 is partial
  });

  it('builds weekly bars Monday to Sunday', () => {
    const daily = randomFeed(60, 'w', '1d', 24 * H, T0 - 3 * 24 * H); // starts on a Friday
    const w = resampleFeed(daily, '1w');
    const mondayOf = (t: number) => t - ((new Date(t).getUTCDay() + 6) % 7) * 24 * H;
    expect(rowsOf(w)).toEqual(naiveResample(daily, 7 * 24 * H, mondayOf));
    for (let k = 0; k < w.length; k++) expect(new Date(w.time[k]).getUTCDay()).toBe(1);
  });

  it('leaves the input untouched and rejects timeframes that are not whole multiples', () => {
    const f = randomFeed(50, 'u');
    const before = rowsOf(f);
    resampleFeed(f, '2h');
    expect(rowsOf(f)).toEqual(before);
    expect(() => resampleFeed(f, '90m')).toThrow(ForgeError);
    expect(() => resampleFeed(f, '30m')).toThrow(/not a whole multiple/);
    expect(() => resampleFeed(f, '4x')).toThrow(ForgeError);
  });
});
