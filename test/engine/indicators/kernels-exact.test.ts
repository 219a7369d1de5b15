import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { atr } from '../../../src/engine/indicators/atr.js';
import { cci } from '../../../src/engine/indicators/cci.js';
import { dema } from '../../../src/engine/indicators/dema.js';
import { ema } from '../../../src/engine/indicators/ema.js';
import { hma } from '../../../src/engine/indicators/hma.js';
import { keltner } from '../../../src/engine/indicators/keltner.js';
import { macd } from '../../../src/engine/indicators/macd.js';
import { mfi } from '../../../src/engine/indicators/mfi.js';
import { rollingSumInto } from '../../../src/engine/indicators/rolling.js';
import { sma } from '../../../src/engine/indicators/sma.js';
import { stoch } from '../../../src/engine/indicators/stoch.js';
import { supertrend } from '../../../src/engine/indicators/supertrend.js';
import { tema } from '../../../src/engine/indicators/tema.js';
import { vwap } from '../../../src/engine/indicators/vwap.js';
import { wma } from '../../../src/engine/indicators/wma.js';

// Kernels that fuse stages or stage values in their output arrays, against their definitions written as
// plain per-bar loops over n-sized intermediate series, bit for bit (Object.is per element, NaN and -0
// included): the fused loop must do the same floating-point operations in the same order. Inputs have
// ties (quantised prices), zero volume, flat stretches and NaN gaps, and periods up to past the series.

function feed(n: number, seed: string) {
  const rng = seedrandom(seed);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    p *= Math.exp((rng() - 0.5) * (i % 400 < 200 ? 0.01 : 0.05));
    const c = i % 500 > 430 ? 100 : Math.round(p * 4) / 4;
    close[i] = c;
    high[i] = c + Math.round(rng() * 4) / 4;
    low[i] = c - Math.round(rng() * 4) / 4;
    volume[i] = i % 500 > 440 || rng() < 0.05 ? 0 : Math.round(rng() * 1000);
  }
  return { high, low, close, volume };
}

/** Feeds with a NaN gap (NaN poisons the recursive kernels for good, so each has its own clean feed too). */
function feeds(
  n: number,
): { name: string; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array }[] {
  const clean = feed(n, `clean${n}`);
  const gap = feed(n, `gap${n}`);
  if (n > 20) {
    gap.close[Math.floor(n / 2)] = NaN;
    gap.high[Math.floor(n / 3)] = NaN;
    gap.volume[Math.floor(n / 4)] = NaN;
  }
  return [
    { name: 'clean', ...clean },
    { name: 'gap', ...gap },
  ];
}

const same = (got: Float64Array, want: Float64Array, label: string): void => {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    if (!Object.is(got[i], want[i])) expect.fail(`${label} bar ${i}: ${got[i]}, want ${want[i]}`);
};

const nan = (n: number): Float64Array => new Float64Array(n).fill(NaN);

/** SMA-seeded EMA of values[start..]: the seed is the left-to-right sum of `period` values over period. */
function naiveEma(values: Float64Array, period: number, start: number): Float64Array {
  const out = nan(values.length);
  if (values.length - start < period) return out;
  let seed = 0;
  for (let i = start; i < start + period; i++) seed += values[i];
  out[start + period - 1] = seed / period;
  const a = 2 / (period + 1);
  for (let i = start + period; i < values.length; i++) out[i] = a * values[i] + (1 - a) * out[i - 1];
  return out;
}

/**
 * The rolling-sum schedule of rolling.ts: at bars whose index past the first full window is a multiple of
 * `period`, the window's non-NaN values summed left to right; in between, the previous sum plus the new
 * value minus the leaving one (NaNs and zeros skipped); exactly 0 when the window holds no nonzero value.
 */
function naiveRollingSum(v: Float64Array, period: number, start: number): Float64Array {
  const out = nan(v.length);
  let sum = 0;
  for (let i = start + period - 1; i < v.length; i++) {
    let nans = 0;
    let nonzero = 0;
    for (let j = i - period + 1; j <= i; j++) {
      if (v[j] !== v[j]) nans++;
      else if (v[j] !== 0) nonzero++;
    }
    const k = i - start - (period - 1);
    if (nonzero === 0) sum = 0;
    else if (k % period === 0) {
      sum = 0;
      for (let j = i - period + 1; j <= i; j++) if (v[j] === v[j]) sum += v[j];
    } else {
      // The running sum from the previous bar (including any zero reset there), then in and out.
      if (v[i] === v[i] && v[i] !== 0) sum += v[i];
      const old = v[i - period];
      if (old === old && old !== 0) sum -= old;
    }
    out[i] = nans === 0 ? sum : NaN;
  }
  return out;
}

describe('rolling sum against its schedule written out', () => {
  it.each([1, 2, 3, 7, 14, 50, 299, 300, 301])('period %i, starts 0 and 1', (period) => {
    for (const f of feeds(300)) {
      for (const start of [0, 1]) {
        const got = nan(300);
        rollingSumInto(f.volume, period, start, got);
        same(got, naiveRollingSum(f.volume, period, start), `${f.name} volume`);
        const got2 = nan(300);
        rollingSumInto(f.close, period, start, got2);
        same(got2, naiveRollingSum(f.close, period, start), `${f.name} close`);
      }
    }
  });
});

describe('fused EMA chains against EMAs of stored series', () => {
  it.each([1, 2, 3, 9, 30, 100, 151])('period %i: ema, dema, tema', (period) => {
    for (const n of [0, 1, period, 2 * period, 300]) {
      for (const f of feeds(n)) {
        const e1 = naiveEma(f.close, period, 0);
        const e2 = naiveEma(e1, period, period - 1);
        const e3 = naiveEma(e2, period, 2 * (period - 1));
        same(ema(f.close, period), e1, `ema ${f.name} n=${n}`);
        same(
          dema(f.close, period),
          Float64Array.from(e1, (x, i) => (i < 2 * (period - 1) ? NaN : 2 * x - e2[i])),
          `dema ${f.name} n=${n}`,
        );
        same(
          tema(f.close, period),
          Float64Array.from(e1, (x, i) => (i < 3 * (period - 1) ? NaN : 3 * x - 3 * e2[i] + e3[i])),
          `tema ${f.name} n=${n}`,
        );
      }
    }
  });

  it.each([
    [12, 26, 9],
    [26, 12, 9],
    [2, 3, 1],
    [5, 5, 4],
    [40, 7, 30],
  ])('macd(%i, %i, %i)', (fast, slow, signal) => {
    for (const n of [0, 1, 30, 45, 300]) {
      for (const f of feeds(n)) {
        const start = Math.max(fast, slow) - 1;
        const ef = naiveEma(f.close, fast, 0);
        const es = naiveEma(f.close, slow, 0);
        const line = Float64Array.from(ef, (x, i) => (i < start ? NaN : x - es[i]));
        const sig = naiveEma(line, signal, start);
        const hist = Float64Array.from(line, (x, i) => (i < start + signal - 1 ? NaN : x - sig[i]));
        const [gl, gs, gh] = macd(f.close, fast, slow, signal);
        same(gl, line, `line ${f.name} n=${n}`);
        same(gs, sig, `signal ${f.name} n=${n}`);
        same(gh, hist, `hist ${f.name} n=${n}`);
      }
    }
  });
});

/** A feed with what market data never has but a kernel must still get exactly right: negative and -0 volumes, negative prices, and infinite flows. */
function oddFeed(n: number) {
  const f = feed(n, `odd${n}`);
  for (let i = 0; i < n; i++) {
    if (i % 7 === 3) f.volume[i] = -f.volume[i];
    if (i % 11 === 5) f.volume[i] = -0;
    if (i % 97 === 50) f.volume[i] = 1e308; // tp * 1e308 overflows: an infinite flow
    if (i % 131 === 70) f.volume[i] = -1e308;
    if (i > n / 2 && i < n / 2 + 20) [f.high[i], f.low[i], f.close[i]] = [-f.high[i], -f.low[i], -f.close[i]];
  }
  return { name: 'odd', ...f };
}

describe('one-pass flows and sums against stored series', () => {
  it.each([1, 2, 3, 14, 96, 299, 300, 301])('mfi and vwap, period %i', (period) => {
    for (const n of [0, 1, period, period + 1, 300]) {
      for (const f of [...feeds(n), oddFeed(n)]) {
        const { high, low, close, volume } = f;
        if (period >= 2) {
          const pos = new Float64Array(n);
          const neg = new Float64Array(n);
          for (let i = 1; i < n; i++) {
            const tp = (high[i] + low[i] + close[i]) / 3;
            const prev = (high[i - 1] + low[i - 1] + close[i - 1]) / 3;
            const flow = tp * volume[i];
            const bad = flow !== flow || prev !== prev;
            pos[i] = bad ? NaN : tp > prev ? flow : 0;
            neg[i] = bad ? NaN : tp < prev ? flow : 0;
          }
          const ps = naiveRollingSum(pos, period, 1);
          const ns = naiveRollingSum(neg, period, 1);
          const want = Float64Array.from(ps, (p, i) =>
            i < period ? NaN : p + ns[i] === 0 ? 0 : (100 * p) / (p + ns[i]),
          );
          same(mfi(high, low, close, volume, period), want, `mfi ${f.name} n=${n}`);
        }
        const pv = Float64Array.from(close, (c, i) => ((high[i] + low[i] + c) / 3) * volume[i]);
        const pvs = naiveRollingSum(pv, period, 0);
        const vs = naiveRollingSum(volume, period, 0);
        same(
          vwap(high, low, close, volume, period),
          Float64Array.from(pvs, (x, i) => (i < period - 1 || vs[i] === 0 ? NaN : x / vs[i])),
          `vwap ${f.name} n=${n}`,
        );
      }
    }
  });
});

describe('cci with its windows interleaved, against one window at a time', () => {
  it.each([2, 3, 4, 5, 14, 20, 101, 299, 300, 301])(
    'cci(%i): the mean from the running sum, the deviation summed left to right',
    (period) => {
      for (const n of [0, 1, period - 1, period, period + 1, period + 2, period + 3, 300, 303]) {
        for (const f of [...feeds(n), oddFeed(n)]) {
          const tp = Float64Array.from(f.close, (c, i) => (f.high[i] + f.low[i] + c) / 3);
          const sums = naiveRollingSum(tp, period, 0);
          const want = nan(n);
          for (let i = period - 1; i < n; i++) {
            const mean = sums[i] / period;
            let dev = 0;
            for (let j = i - period + 1; j <= i; j++) dev += Math.abs(tp[j] - mean);
            dev /= period;
            want[i] = dev === 0 ? 0 : (tp[i] - mean) / (0.015 * dev);
          }
          same(cci(f.high, f.low, f.close, period), want, `cci ${f.name} n=${n}`);
        }
      }
    },
  );
});

describe('kernels staging a stage in an output array, against stored stages', () => {
  it.each([2, 3, 4, 9, 16, 30, 120])('hma(%i) = wma of 2 wma(half) - wma(full) over bars from period - 1', (period) => {
    for (const n of [0, 1, period, 300]) {
      for (const f of feeds(n)) {
        const half = wma(f.close, Math.max(1, Math.floor(period / 2)));
        const full = wma(f.close, period);
        const diff = Float64Array.from(full, (x, i) => (i < period - 1 ? NaN : 2 * half[i] - x));
        // The outer WMA runs over diff from bar period - 1: its first window is diff[period - 1 ..].
        const sq = Math.max(1, Math.floor(Math.sqrt(period)));
        const tail = wma(diff.subarray(Math.min(n, period - 1)), sq);
        const want = nan(n);
        want.set(tail, Math.min(n, period - 1));
        same(hma(f.close, period), want, `hma ${f.name} n=${n}`);
      }
    }
  });

  it.each([
    [1, 1, 0.5],
    [20, 10, 2],
    [5, 30, 1.5],
  ])('keltner(%i, %i, %f) and supertrend over stored EMA and ATR', (period, atrPeriod, mult) => {
    for (const n of [0, 1, 40, 300]) {
      for (const f of feeds(n)) {
        const { high, low, close } = f;
        const mid = naiveEma(close, period, 0);
        const a = atr(high, low, close, atrPeriod);
        const start = Math.max(period - 1, atrPeriod);
        const [u, m, l] = keltner(high, low, close, period, atrPeriod, mult);
        same(
          u,
          Float64Array.from(mid, (x, i) => (i < start ? NaN : x + mult * a[i])),
          `upper ${f.name}`,
        );
        same(
          m,
          Float64Array.from(mid, (x, i) => (i < start ? NaN : x)),
          `middle ${f.name}`,
        );
        same(
          l,
          Float64Array.from(mid, (x, i) => (i < start ? NaN : x - mult * a[i])),
          `lower ${f.name}`,
        );

        const value = nan(n);
        const direction = nan(n);
        let up = NaN;
        let lo = NaN;
        let dir = 0;
        for (let i = atrPeriod; i < n; i++) {
          const hl = (high[i] + low[i]) / 2;
          const bu = hl + mult * a[i];
          const bl = hl - mult * a[i];
          if (bu !== bu || bl !== bl || close[i] !== close[i]) {
            dir = 0;
            continue;
          }
          if (dir === 0) [up, lo, dir] = [bu, bl, -1];
          else {
            lo = bl > lo || close[i - 1] < lo ? bl : lo;
            up = bu < up || close[i - 1] > up ? bu : up;
            dir = dir === -1 ? (close[i] > up ? 1 : -1) : close[i] < lo ? -1 : 1;
          }
          value[i] = dir === 1 ? lo : up;
          direction[i] = dir;
        }
        const [sv, sd] = supertrend(high, low, close, atrPeriod, mult);
        same(sv, value, `supertrend value ${f.name}`);
        same(sd, direction, `supertrend direction ${f.name}`);
      }
    }
  });

  it.each([
    [2, 1, 1],
    [14, 3, 3],
    [5, 1, 4],
    [30, 7, 2],
  ])('stoch(%i, %i, %i) = SMA stages over the stored fast %%K', (period, smoothK, dPeriod) => {
    for (const n of [0, 1, 40, 300]) {
      for (const f of feeds(n)) {
        const [fast] = stoch(f.high, f.low, f.close, period, 1, 1);
        const k = smoothK > 1 ? sma(fast, smoothK) : fast;
        const [gk, gd] = stoch(f.high, f.low, f.close, period, smoothK, dPeriod);
        same(gk, k, `k ${f.name} n=${n}`);
        same(gd, sma(k, dPeriod), `d ${f.name} n=${n}`);
      }
    }
  });
});
