import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/engine/errors.js';
import { generateCandles, REGIME_NAMES, type SyntheticCandles } from '../../src/engine/synthetic.js';

const FROM = Date.UTC(2021, 0, 1);
const TO = Date.UTC(2025, 0, 1);
const M15 = 15 * 60_000;
// 2021..2024 holds one leap day: 1461 days of 96 bars.
const FOUR_YEARS_15M = 1461 * 96;

const bytes = (c: SyntheticCandles) =>
  Buffer.concat(
    [c.time, c.open, c.high, c.low, c.close, c.volume, c.regime].map((a) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
    ),
  );

/** Mean and standard deviation of the bar log returns in each regime, computed here from the prices. */
function regimeStats(c: SyntheticCandles) {
  const sum = [0, 0, 0, 0],
    sq = [0, 0, 0, 0],
    n = [0, 0, 0, 0];
  for (let i = 0; i < c.length; i++) {
    const r = Math.log(c.close[i] / c.open[i]);
    sum[c.regime[i]] += r;
    sq[c.regime[i]] += r * r;
    n[c.regime[i]]++;
  }
  return REGIME_NAMES.map((name, k) => ({
    name,
    bars: n[k],
    mean: sum[k] / n[k],
    sd: Math.sqrt(sq[k] / n[k] - (sum[k] / n[k]) ** 2),
  }));
}

describe('generateCandles', () => {
  it('generates 4 years of 15m bars, exactly one bar per grid step in [from, to)', () => {
    const c = generateCandles({ seed: 42, from: FROM, to: TO, tfMs: M15 });
    expect(c.length).toBe(FOUR_YEARS_15M);
    for (const a of [c.time, c.open, c.high, c.low, c.close, c.volume, c.regime]) expect(a.length).toBe(FOUR_YEARS_15M);
    expect(c.time[0]).toBe(FROM);
    expect(c.time[c.length - 1]).toBe(TO - M15);
    for (let i = 1; i < c.length; i++) if (c.time[i] - c.time[i - 1] !== M15) throw new Error(`step at ${i}`);
  });

  it('rounds a ragged window end up to the last bar that starts before it', () => {
    const c = generateCandles({ seed: 1, from: FROM, to: FROM + 10.5 * 3_600_000, tfMs: 3_600_000 });
    expect(c.length).toBe(11);
    expect(c.time[10]).toBe(FROM + 10 * 3_600_000);
  });

  it('is deterministic by seed: same seed same bytes, other seed other bytes', () => {
    const o = { from: FROM, to: FROM + 30 * 86_400_000, tfMs: 3_600_000, shape: 'cycle' as const };
    const a = bytes(generateCandles({ ...o, seed: 'abc' }));
    const b = bytes(generateCandles({ ...o, seed: 'abc' }));
    const c = bytes(generateCandles({ ...o, seed: 'abd' }));
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(bytes(generateCandles({ ...o, seed: 7 })).equals(bytes(generateCandles({ ...o, seed: '7' })))).toBe(true);
  });

  it('keeps OHLC consistent, prices positive, opens at the previous close, over 140k bars of every shape', () => {
    for (const shape of ['mixed', 'bull', 'bear', 'range', 'volatile', 'cycle'] as const) {
      const c = generateCandles({ seed: shape, from: FROM, to: TO, tfMs: M15, shape, startPrice: 30_000 });
      expect(c.open[0]).toBeCloseTo(30_000, 6);
      let bad = 0;
      for (let i = 0; i < c.length; i++) {
        const o = c.open[i],
          h = c.high[i],
          l = c.low[i],
          cl = c.close[i],
          v = c.volume[i];
        if (
          !(l > 0 && l <= Math.min(o, cl) && h >= Math.max(o, cl) && Number.isFinite(h) && v > 0 && Number.isFinite(v))
        )
          bad++;
        if (i > 0 && o !== c.close[i - 1]) bad++;
        if (c.regime[i] > 3) bad++;
      }
      expect(bad, shape).toBe(0);
    }
  });

  it('gives regimes their own drift and volatility', () => {
    const s = regimeStats(generateCandles({ seed: 42, from: FROM, to: TO, tfMs: M15 }));
    const [bull, bear, range, volatile] = s;
    for (const r of s) expect(r.bars, r.name).toBeGreaterThan(10_000);
    expect(bull.mean).toBeGreaterThan(0);
    expect(bear.mean).toBeLessThan(0);
    expect(bull.mean - bear.mean).toBeGreaterThan(1e-5);
    // Volatility: volatile > bear > range, by clear margins (1.1 vs 0.65 vs 0.3 a year).
    expect(volatile.sd).toBeGreaterThan(1.4 * bear.sd);
    expect(bear.sd).toBeGreaterThan(1.5 * range.sd);
  });

  it('makes volume rise with the size of the move', () => {
    const c = generateCandles({ seed: 5, from: FROM, to: FROM + 365 * 86_400_000, tfMs: 3_600_000 });
    const x = new Float64Array(c.length),
      y = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) {
      x[i] = Math.abs(Math.log(c.close[i] / c.open[i]));
      y[i] = Math.log(c.volume[i]);
    }
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const mx = mean(x),
      my = mean(y);
    let sxy = 0,
      sxx = 0,
      syy = 0;
    for (let i = 0; i < c.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) ** 2;
      syy += (y[i] - my) ** 2;
    }
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.3);
  });

  it('biases the schedule by shape; cycle runs bull, then bear, then recovery, in order', () => {
    const share = (c: SyntheticCandles, code: number, a = 0, b = c.length) => {
      let n = 0;
      for (let i = a; i < b; i++) if (c.regime[i] === code) n++;
      return n / (b - a);
    };
    const o = { seed: 9, from: FROM, to: TO, tfMs: M15 };
    expect(share(generateCandles({ ...o, shape: 'bull' }), 0)).toBeGreaterThan(0.45);
    expect(share(generateCandles({ ...o, shape: 'bear' }), 1)).toBeGreaterThan(0.45);
    expect(share(generateCandles({ ...o, shape: 'range' }), 2)).toBeGreaterThan(0.5);
    expect(share(generateCandles({ ...o, shape: 'volatile' }), 3)).toBeGreaterThan(0.45);
    const c = generateCandles({ ...o, shape: 'cycle' });
    const n = c.length;
    const p1 = Math.floor(0.4 * n),
      p2 = Math.floor(0.75 * n);
    expect(share(c, 1, 0, p1)).toBe(0); // no bear in the bull run
    expect(share(c, 0, 0, p1)).toBeGreaterThan(0.5);
    expect(share(c, 0, p1 + 1, p2)).toBe(0); // no bull in the bear market
    expect(share(c, 1, p1 + 1, p2)).toBeGreaterThan(0.5);
    expect(share(c, 1, p2 + 1, n)).toBe(0); // recovery: no bear
    // The price path follows: up in the bull run, down through the bear market.
    expect(c.close[p1]).toBeGreaterThan(c.open[0]);
    expect(c.close[p2]).toBeLessThan(c.close[p1]);
  });

  it('rejects an empty window and an unknown shape with ForgeError', () => {
    expect(() => generateCandles({ seed: 1, from: TO, to: FROM, tfMs: M15 })).toThrow(ForgeError);
    expect(() => generateCandles({ seed: 1, from: FROM, to: TO, tfMs: M15, shape: 'bul' as never })).toThrow(
      /did you mean 'bull'/,
    );
  });
});
