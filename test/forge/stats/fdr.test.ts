import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, bonferroni, holm } from '../../../src/forge/stats/fdr.js';

// Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57(1), 289-300, worked example: 15 p-values
// from a clinical trial; at q = 0.05 the BH procedure rejects the 4 smallest (the paper's result).
// Bonferroni (0.05/15 = 0.00333) and Holm reject 3 (our arithmetic below).
const BH1995 = [
  0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0,
];

// R p.adjust(p, "BH") by hand: q(i) = min_{j>=i} 15·p(j)/j
//   15·p/j: 0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0695, 0.0638571, 0.0645, 0.0765, 0.486,
//           0.5811818, 0.714875, 0.7532308, 0.8132143, 1
//   running min from the end changes only rank 6: 0.0695 -> 0.0638571 (rank 7's value).
// Same numbers from scipy.stats.false_discovery_control(p, method='bh').
const BH_ADJ = [
  0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645, 0.0765, 0.486,
  0.5811818181818182, 0.714875, 0.7532307692307691, 0.8132142857142857, 1,
];

describe('benjaminiHochberg', () => {
  it('reproduces the BH 1995 worked example: rejects the first 4 at q = 0.05', () => {
    const { adjusted, rejected } = benjaminiHochberg(BH1995, 0.05);
    adjusted.forEach((q, i) => {
      expect(q).toBeCloseTo(BH_ADJ[i], 12);
    });
    expect(rejected).toEqual(BH1995.map((_, i) => i < 4));
  });
  it('keeps the caller order for unsorted input', () => {
    // sorted 0.01,0.02,0.03,0.04,0.5 -> 5p/j = 0.05,0.05,0.05,0.05,0.5 (hand; scipy agrees)
    const r = benjaminiHochberg([0.04, 0.01, 0.03, 0.5, 0.02], 0.05);
    r.adjusted.forEach((q, i) => {
      expect(q).toBeCloseTo([0.05, 0.05, 0.05, 0.5, 0.05][i], 15);
    });
    expect(r.rejected).toEqual([true, true, true, false, true]);
  });
  it('gives tied p-values the same adjusted value and never exceeds 1', () => {
    const r = benjaminiHochberg([0.02, 0.02, 0.9, 0.02], 0.05);
    // 4·0.02/3 = 0.0266667 for all three ties; 4·0.9/4 = 0.9
    expect(r.adjusted[0]).toBeCloseTo(0.08 / 3, 15);
    expect(r.adjusted[1]).toBe(r.adjusted[0]);
    expect(r.adjusted[3]).toBe(r.adjusted[0]);
    expect(r.adjusted[2]).toBeCloseTo(0.9, 15);
    expect(benjaminiHochberg([1, 1], 0.05).adjusted).toEqual([1, 1]);
  });
  it('adjusted values are monotone in the raw p-values', () => {
    const { adjusted } = benjaminiHochberg(BH1995, 0.1);
    for (let i = 1; i < adjusted.length; i++) expect(adjusted[i]).toBeGreaterThanOrEqual(adjusted[i - 1]);
  });
  it('handles an empty list and rejects NaN or out-of-range input', () => {
    expect(benjaminiHochberg([], 0.05)).toEqual({ adjusted: [], rejected: [] });
    expect(() => benjaminiHochberg([0.1, NaN], 0.05)).toThrow(/index 1/);
    expect(() => benjaminiHochberg([1.2], 0.05)).toThrow(RangeError);
    expect(() => benjaminiHochberg([0.1], 0)).toThrow(/alpha/);
  });
});

describe('family-wise comparisons on the BH 1995 example', () => {
  it('Bonferroni rejects 3 (0.05/15 = 0.00333)', () => {
    const r = bonferroni(BH1995, 0.05);
    expect(r.adjusted.slice(0, 4).map((q) => +q.toFixed(6))).toEqual([0.0015, 0.006, 0.0285, 0.1425]);
    expect(r.rejected.filter(Boolean).length).toBe(3);
  });
  it('Holm rejects 3; adjusted by hand = running max of (16 - i)·p(i)', () => {
    // 15·0.0001, 14·0.0004, 13·0.0019, 12·0.0095, 11·0.0201, 10·0.0278 = 0.0015, 0.0056, 0.0247,
    // 0.114, 0.2211, 0.278; then 9·0.0298 = 0.2682 -> max 0.278, 8·0.0344 -> 0.278, 7·0.0459 = 0.3213
    const r = holm(BH1995, 0.05);
    const expected = [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1];
    r.adjusted.forEach((q, i) => {
      expect(q).toBeCloseTo(expected[i], 12);
    });
    expect(r.rejected.filter(Boolean).length).toBe(3);
  });
});
