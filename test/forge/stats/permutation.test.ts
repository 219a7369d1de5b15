import { describe, expect, it } from 'vitest';
import { permutationPValue, shuffleInPlace, timingPermutationTest } from '../../../src/forge/stats/permutation.js';
import { gaussian, seeded, sequence } from '../../helpers/rng.js';

describe('permutationPValue (generic)', () => {
  it('hand case: nulls 0.4, 2.4, 1.2, 3.6 vs observed 2 -> (1 + 2) / (1 + 4) = 0.6', () => {
    const rng = sequence([0.1, 0.6, 0.3, 0.9]);
    expect(permutationPValue(2, (r) => r() * 4, 4, rng)).toBeCloseTo(0.6, 15);
  });
  it('ties count against the strategy; p is never 0', () => {
    expect(permutationPValue(1, () => 1, 9, sequence([]))).toBe(1); // all 9 ties: (1+9)/10
    expect(permutationPValue(100, () => 0, 9, sequence([]))).toBeCloseTo(0.1, 15);
  });
  it('is NaN for a NaN observed value, a NaN null draw, or n < 1', () => {
    expect(permutationPValue(NaN, () => 0, 5, sequence([]))).toBeNaN();
    expect(permutationPValue(1, (r) => (r() < 0.5 ? NaN : 0), 2, sequence([0.9, 0.1]))).toBeNaN();
    expect(permutationPValue(1, () => 0, 0, sequence([]))).toBeNaN();
  });
});

describe('shuffleInPlace (Fisher–Yates)', () => {
  it('hand case: rng 0, 0 on [a, b, c] -> i=2 swaps with 0, i=1 swaps with 0', () => {
    const a = Float64Array.from([1, 2, 3]);
    shuffleInPlace(a, sequence([0, 0]));
    // [1,2,3] -swap(2,0)-> [3,2,1] -swap(1,0)-> [2,3,1]
    expect(Array.from(a)).toEqual([2, 3, 1]);
  });
});

describe('timingPermutationTest', () => {
  it('hand case: 2 permutations with a replayed rng', () => {
    const positions = [1, 0, 1];
    const returns = Float64Array.from([0.01, -0.02, 0.03]);
    // observed mean = (0.01 + 0.03) / 3.
    // draw 1, rng 0, 0: returns -> [-0.02, 0.03, 0.01], mean = (-0.02 + 0.01) / 3 < observed.
    // draw 2, rng 0.9, 0.9: j = floor(2.7) = 2, floor(1.8) = 1: identity, a tie -> counts.
    // p = (1 + 1) / (1 + 2) = 2/3
    const r = timingPermutationTest(positions, returns, { n: 2 }, sequence([0, 0, 0.9, 0.9]));
    expect(r.observed).toBeCloseTo(0.04 / 3, 15);
    expect(r.pValue).toBeCloseTo(2 / 3, 15);
    expect(Array.from(returns)).toEqual([0.01, -0.02, 0.03]); // caller's array untouched
  });

  it('gives no credit for drift: always long in a rising market -> p = 1', () => {
    const rng = seeded('drift');
    const returns = Float64Array.from({ length: 300 }, () => 0.001 + 0.01 * gaussian(rng));
    const r = timingPermutationTest(new Float64Array(300).fill(1), returns, { n: 50 }, rng);
    expect(r.observed).toBeGreaterThan(0);
    expect(r.pValue).toBe(1);
  });

  it('a strong timing edge gives p < 0.01 (both statistics)', () => {
    const rng = seeded('edge');
    const t = 500;
    const returns = new Float64Array(t);
    const positions = new Float64Array(t);
    for (let i = 0; i < t; i++) {
      returns[i] = 0.01 * gaussian(rng);
      positions[i] = Math.sign(returns[i] + 0.01 * gaussian(rng)); // right ~75 % of the time
    }
    expect(timingPermutationTest(positions, returns, { n: 199 }, rng).pValue).toBeLessThan(0.01);
    expect(timingPermutationTest(positions, returns, { n: 199, statistic: 'sharpe' }, rng).pValue).toBeLessThan(0.01);
  });

  it('pure noise gives p-values that are uniform: share <= 0.05 and <= 0.5 within binomial bands', () => {
    // With n = 99 permutations, P(p <= 0.05) = 5/100 exactly under the null (continuous statistic).
    // 200 seeds: Binomial(200, 0.05) has mean 10, sd 3.08 -> accept [1, 21] (±3.6 sd).
    // Binomial(200, 0.5): mean 100, sd 7.07 -> accept [75, 125] (±3.5 sd).
    let below05 = 0;
    let belowHalf = 0;
    const t = 200;
    const returns = new Float64Array(t);
    const positions = new Float64Array(t);
    for (let s = 0; s < 200; s++) {
      const rng = seeded(`noise-${s}`);
      for (let i = 0; i < t; i++) {
        returns[i] = 0.01 * gaussian(rng);
        positions[i] = [-1, 0, 1][Math.floor(rng() * 3)];
      }
      const p = timingPermutationTest(positions, returns, { n: 99 }, rng).pValue;
      if (p <= 0.05) below05++;
      if (p <= 0.5) belowHalf++;
    }
    expect(below05).toBeGreaterThanOrEqual(1);
    expect(below05).toBeLessThanOrEqual(21);
    expect(belowHalf).toBeGreaterThanOrEqual(75);
    expect(belowHalf).toBeLessThanOrEqual(125);
  });

  it('is reproducible for a seed and NaN-honest', () => {
    const returns = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i) / 100);
    const positions = Float64Array.from({ length: 50 }, (_, i) => (i % 3) - 1);
    const a = timingPermutationTest(positions, returns, { n: 99 }, seeded('same'));
    const b = timingPermutationTest(positions, returns, { n: 99 }, seeded('same'));
    expect(a).toEqual(b);
    returns[3] = NaN;
    expect(timingPermutationTest(positions, returns, { n: 9 }, seeded('x')).pValue).toBeNaN();
    expect(() => timingPermutationTest([1], [0.1, 0.2], { n: 9 }, seeded('x'))).toThrow(RangeError);
  });
});
