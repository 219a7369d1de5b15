import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../src/forge/stats/fdr.js';
import { deflated, familyTest, sharpePValue, type TrialRow } from '../../../src/forge/validate/multiple-testing.js';

// The wiring from a run's table of annualised Sharpe ratios to p-values, BH and the DSR, against
// figures computed independently with scipy 1.17 (norm.sf, false_discovery_control(method='bh'),
// norm.ppf/cdf for the DSR), in this script:
//   sr = S / sqrt(8760); se = sqrt((1 + sr^2/2) / (T - 1)); p = norm.sf(sr / se), T = 2 * 8760
//   V = var(sr of the plays with a Sharpe, ddof=1); N = 10 (all plays, the failed one included)
//   SR0 = sqrt(V)((1-g) ppf(1 - 1/N) + g ppf(1 - 1/(N e))); DSR = cdf((sr - SR0) / se(skew, kurt))

const BPY = 8760;
const T = 2 * BPY;
const SHARPES: (number | null)[] = [3.0, 2.5, 1.0, 0.0, -1.0, null, 4.0, 2.0, 0.5, 3.5];
const ROWS: TrialRow[] = SHARPES.map((s, i) => ({ key: `k${i}`, sharpe: s, error: s === null ? 'boom' : null }));

const P = [
  1.1104991390617748e-5, 0.0002040399709841928, 0.07866145053838092, 0.5, 0.9213385494616191, 1.0, 7.832719815255015e-9,
  0.002341817767129729, 0.23975789850742757, 3.7513698450403286e-7,
];
const BH = [
  3.701663796872583e-5, 0.000510099927460482, 0.1311024175639682, 0.625, 1.0, 1.0, 7.832719815255014e-8,
  0.004683635534259458, 0.3425112835820394, 1.8756849225201642e-6,
];
const REJECTED = [true, true, false, false, false, false, true, true, false, true];

describe('multiple testing over a run table', () => {
  const family = familyTest(ROWS, BPY, T, 0.05);

  it('p-values per play match scipy; a failed play gets p = 1 with a note', () => {
    family.rows.forEach((r, i) => {
      expect(r.pValue).toBeCloseTo(P[i], 12);
    });
    for (let i = 0; i < P.length; i++) expect(Math.abs(family.rows[i].pValue - P[i]) / P[i]).toBeLessThan(1e-9);
    expect(family.rows[5].note).toMatch(/failed: boom; p = 1/);
    expect(sharpePValue(Number.NaN, BPY, T).p).toBe(1);
  });

  it('BH adjusted p-values and rejections match scipy and stats/fdr on the same p-values', () => {
    const ref = benjaminiHochberg(P, 0.05);
    family.rows.forEach((r, i) => {
      expect(Math.abs(r.bhAdjusted - BH[i]) / BH[i]).toBeLessThan(1e-9);
      expect(r.bhSignificant).toBe(REJECTED[i]);
      expect(r.bhSignificant).toBe(ref.rejected[i]);
    });
    expect(family.significant).toBe(5);
    // alpha 2e-5: adjusted 7.8e-8 (k6) and 1.9e-6 (k9) pass; the next, 3.7e-5 (k0), does not.
    expect(
      familyTest(ROWS, BPY, T, 0.00002)
        .rows.filter((r) => r.bhSignificant)
        .map((r) => r.key),
    ).toEqual(['k6', 'k9']);
  });

  it('N counts every play; V is the variance of the per-bar Sharpe of the plays that have one', () => {
    expect(family.trials).toBe(10);
    expect(family.withoutSharpe).toBe(1);
    expect(family.trialSharpeVariance!).toBeCloseTo(0.00032898909183155757, 15);
  });

  it('the DSR of the best play with its own skew and kurtosis matches scipy', () => {
    const d = deflated(4.0, family, { skew: -0.5, kurt: 6.0 });
    expect(d.sr0!).toBeCloseTo(0.028560152877974233, 6); // E[max] uses an approximate normInv step: 1e-6 is ample
    expect(d.dsr!).toBeCloseTo(0.96817932775335, 5);
    const normal = deflated(4.0, family, { skew: null, kurt: null });
    expect(normal.note).toMatch(/normal returns assumed/);
    expect(deflated(null, family, { skew: 0, kurt: 3 }).dsr).toBeNull();
  });
});
