import { describe, expect, it } from 'vitest';
import { normCdf, normInv } from '../../../src/forge/stats/normal.js';

// Reference values: scipy 1.17.1, scipy.stats.norm.cdf / norm.ppf (printed with repr()).
const CDF: [number, number][] = [
  [-8, 6.22096057427174e-16],
  [-5, 2.866515718791933e-7],
  [-3, 0.0013498980316300933],
  [-1.5, 0.06680720126885807],
  [-0.5, 0.3085375387259869],
  [0, 0.5],
  [0.3, 0.6179114221889526],
  [1, 0.8413447460685429],
  [2.5, 0.9937903346742238],
  [6, 0.9999999990134123],
  [9, 1],
  [-20, 2.7536241186061556e-89],
];
const PPF: [number, number][] = [
  [1e-12, -7.034483825301131],
  [1e-6, -4.753424308822899],
  [0.01, -2.3263478740408408],
  [0.02425, -1.972961051311885],
  [0.3, -0.5244005127080409],
  [0.5, 0],
  [0.8, 0.8416212335729143],
  [0.975, 1.959963984540054],
  [0.999999, 4.753424308817087],
];

describe('normCdf (series + continued fraction)', () => {
  it.each(CDF)('Φ(%d) matches scipy to 5e-14 relative', (x, ref) => {
    const v = normCdf(x);
    expect(Math.abs(v - ref) / ref).toBeLessThan(5e-14);
  });
  it('is symmetric, handles infinities and NaN', () => {
    expect(normCdf(1.234) + normCdf(-1.234)).toBeCloseTo(1, 15);
    expect(normCdf(Infinity)).toBe(1);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(NaN)).toBeNaN();
  });
});

describe('normInv (Acklam + one Halley step)', () => {
  it.each(PPF)('Φ⁻¹(%d) matches scipy to 1e-13', (p, ref) => {
    const v = normInv(p);
    expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(ref)));
  });
  it('round-trips Φ(Φ⁻¹(p)) = p across (0, 1)', () => {
    for (let p = 0.001; p < 1; p += 0.0137) expect(Math.abs(normCdf(normInv(p)) - p)).toBeLessThan(1e-14);
  });
  it('maps the edges and rejects out-of-range input', () => {
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(normInv(-0.1)).toBeNaN();
    expect(normInv(1.1)).toBeNaN();
    expect(normInv(NaN)).toBeNaN();
  });
});
