import { describe, expect, it } from 'vitest';
import { drawdownPerBar, drawdownStats, type DrawdownStats } from '../../../src/engine/metrics/drawdown.js';
import { rngOf, type Rng } from '../sim/random-sim.js';

// drawdownStats skips the per-bar division while the peak is finite and positive. Checked here against
// the definition written out plainly (the dd series first, then its periods), field by field with
// Object.is, on curves that return exactly to their peak, sit flat at it, fall to zero or below, hold
// NaN and infinite values, and start anywhere.

function reference(equity: Float64Array, time: Float64Array): DrawdownStats {
  const n = equity.length;
  const dd: number[] = [];
  let peak = n > 0 ? equity[0] : NaN;
  for (let k = 0; k < n; k++) {
    if (equity[k] > peak) peak = equity[k];
    dd.push(k === 0 ? 0 : 1 - equity[k] / peak);
  }
  let maxDd = 0;
  for (let k = 1; k < n; k++) if (dd[k] > maxDd) maxDd = dd[k];
  // Periods: from a zero bar to the next zero bar (or the last bar), longer than one bar.
  const zeros = [0];
  for (let k = 1; k < n; k++) if (dd[k] === 0) zeros.push(k);
  const spans: [number, number][] = [];
  for (let z = 0; z < zeros.length; z++) {
    const end = z + 1 < zeros.length ? zeros[z + 1] : n - 1;
    if (end > zeros[z] + 1) spans.push([zeros[z], end]);
  }
  let sumPeaks = 0;
  let maxBars = 0;
  let maxMs = 0;
  for (const [a, b] of spans) {
    let m = 0;
    for (let k = a + 1; k < b; k++) if (dd[k] > m) m = dd[k];
    // The last bar of a period that never recovers is inside it.
    if (b === n - 1 && dd[b] !== 0 && dd[b] > m) m = dd[b];
    sumPeaks += m;
    if (b - a > maxBars) maxBars = b - a;
    if (time[b] - time[a] > maxMs) maxMs = time[b] - time[a];
  }
  return {
    maxDrawdown: -maxDd,
    avgDrawdown: spans.length > 0 ? -sumPeaks / spans.length : 0,
    maxDrawdownDuration: maxBars,
    maxDrawdownDurationDays: maxMs / 86_400_000,
    equityPeak: peak,
  };
}

const ODD = [NaN, Infinity, -Infinity, 0, -5, 1e-320, 1e308, -0];

function curve(rng: Rng, n: number, odd: number): Float64Array {
  const eq = new Float64Array(n);
  let e = 1000;
  let peak = e;
  for (let i = 0; i < n; i++) {
    const u = rng();
    if (u < 0.25) {
      // flat
    } else if (u < 0.35)
      e = peak; // back exactly at the peak
    else if (u < 0.35 + odd) e = ODD[Math.floor(rng() * ODD.length)];
    else e = (Number.isFinite(e) && e > 0 ? e : 1000) * Math.exp((rng() - 0.5) * 0.05);
    if (e > peak) peak = e;
    eq[i] = e;
  }
  if (n > 0 && rng() < 0.2) eq[0] = ODD[Math.floor(rng() * ODD.length)];
  return eq;
}

const fields = (s: DrawdownStats) => Object.entries(s);

describe('drawdownStats', () => {
  it('matches the definition bit for bit on 3,000 random curves', () => {
    let fast = 0;
    for (let k = 0; k < 3000; k++) {
      const rng = rngOf(`dd-${k}`);
      const n = Math.floor(rng() * 400);
      const eq = curve(rng, n, k % 3 === 0 ? 0 : k % 3 === 1 ? 0.002 : 0.05);
      const time = Float64Array.from({ length: n }, (_, i) => i * 900_000 + (i % 7) * 1000);
      const want = reference(eq, time);
      for (const got of [drawdownStats(eq, time), drawdownPerBar(eq, time)])
        for (const [key, v] of fields(got))
          if (!Object.is(v, want[key as keyof DrawdownStats]))
            expect.fail(`curve ${k} (n ${n}) ${key}: ${v} vs ${want[key as keyof DrawdownStats]}`);
      if (n > 1 && eq[0] > 0 && eq[0] < Infinity && !eq.includes(Infinity)) fast++;
    }
    expect(fast).toBeGreaterThan(1500); // most curves take the division-free loop
  });

  it('on hand-checked curves', () => {
    const t = Float64Array.from({ length: 6 }, (_, i) => i * 86_400_000);
    // peak 100, down to 50 (dd 0.5), back at 100 at bar 3; then down to 80 to the end (dd 0.2).
    const s = drawdownStats(Float64Array.from([100, 80, 50, 100, 90, 80]), t);
    expect(s).toEqual({
      maxDrawdown: -0.5,
      avgDrawdown: -(0.5 + 0.2) / 2,
      maxDrawdownDuration: 3,
      maxDrawdownDurationDays: 3,
      equityPeak: 100,
    });
    expect(drawdownStats(new Float64Array(0), new Float64Array(0)).maxDrawdown).toBe(-0);
  });
});
