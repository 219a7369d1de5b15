import { describe, expect, it } from 'vitest';
import { bootstrapSharpeCI, quantileSorted } from '../../../src/forge/stats/bootstrap.js';
import { loSharpeStdError } from '../../../src/forge/stats/sharpe.js';
import { gaussian, seeded, sequence } from '../../helpers/rng.js';

function normalReturns(t: number, mu: number, sigma: number, rng: () => number): Float64Array {
  return Float64Array.from({ length: t }, () => mu + sigma * gaussian(rng));
}

describe('quantileSorted (R type 7 / numpy default)', () => {
  it('interpolates linearly: [1, 2, 3, 4] at 0.25 -> 1.75, at 0.5 -> 2.5', () => {
    // numpy.quantile([1,2,3,4], [0.25, 0.5]) = [1.75, 2.5]
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('bootstrapSharpeCI: hand cases with a replayed rng', () => {
  const returns = Float64Array.from([0.01, 0.02, 0.04]);
  it('iid: two resamples and their percentile interval', () => {
    // draw 1, rng 0.9 0.9 0.1 -> indices 2 2 0 -> [0.04, 0.04, 0.01]: mean 0.03, sd sqrt(0.0003),
    //   SR = 0.03 / 0.0173205 = sqrt(3) = 1.7320508
    // draw 2, rng 0 0.5 0.9 -> indices 0 1 2 -> the original: SR = 1.5275252 (numpy)
    // alpha 0.5 -> type-7 quantiles 0.25 / 0.75 of [1.5275252, 1.7320508] = 1.5786566, 1.6809194 (numpy)
    const ci = bootstrapSharpeCI(
      returns,
      { n: 2, alpha: 0.5, periodsPerYear: 1 },
      sequence([0.9, 0.9, 0.1, 0, 0.5, 0.9]),
    );
    expect(ci.estimate).toBeCloseTo(1.5275252316519465, 12);
    expect(Array.from(ci.draws)).toEqual([expect.closeTo(1.5275252316519465, 12), expect.closeTo(Math.sqrt(3), 12)]);
    expect(ci.lower).toBeCloseTo(1.57865663, 8);
    expect(ci.upper).toBeCloseTo(1.68091941, 8);
  });
  it('stationary blocks: continue with probability 1 - 1/blockSize, wrapping at the end', () => {
    // blockSize 2. start: floor(0.9·3) = 2; i=1: 0.2 < 0.5 -> new index floor(0.9·3) = 2;
    // i=2: 0.6 >= 0.5 -> continue 2 -> wraps to 0. Sample [0.04, 0.04, 0.01] -> SR sqrt(3).
    const ci = bootstrapSharpeCI(
      returns,
      { n: 1, alpha: 0.5, blockSize: 2, periodsPerYear: 4 },
      sequence([0.9, 0.2, 0.9, 0.6]),
    );
    expect(ci.draws[0]).toBeCloseTo(Math.sqrt(3) * 2, 12); // annualised with sqrt(4)
  });
  it('is NaN-honest and validates options', () => {
    expect(bootstrapSharpeCI([0.01, NaN, 0.02], { n: 5, alpha: 0.05, periodsPerYear: 1 }, seeded('a')).lower).toBeNaN();
    expect(bootstrapSharpeCI([0.01], { n: 5, alpha: 0.05, periodsPerYear: 1 }, seeded('a')).upper).toBeNaN();
    // [0, 0, 0.01]: an all-zero resample (p = 8/27 each) has SR 0/0 -> the CI is NaN, not made up.
    const zeros = bootstrapSharpeCI([0, 0, 0.01], { n: 50, alpha: 0.05, periodsPerYear: 1 }, seeded('z'));
    expect(zeros.invalidDraws).toBeGreaterThan(0);
    expect(zeros.lower).toBeNaN();
    expect(() => bootstrapSharpeCI([0.1, 0.2], { n: 0, alpha: 0.05, periodsPerYear: 1 }, seeded('a'))).toThrow(
      RangeError,
    );
    expect(() => bootstrapSharpeCI([0.1, 0.2], { n: 5, alpha: 1, periodsPerYear: 1 }, seeded('a'))).toThrow(/alpha/);
  });
});

describe('bootstrapSharpeCI: statistical behaviour on iid normal returns', () => {
  const mu = 0.001;
  const sigma = 0.01; // true per-period Sharpe 0.1

  it('the 90 % CI covers the true Sharpe at about the nominal rate', () => {
    // 200 seeds × 400 resamples of T = 250. Coverage ~ Binomial(200, 0.90): mean 180, sd 4.24;
    // accept [165, 195] (±3.5 sd). A CI that ignored estimation error would cover far less.
    let covered = 0;
    for (let s = 0; s < 200; s++) {
      const rng = seeded(`cov-${s}`);
      const ci = bootstrapSharpeCI(normalReturns(250, mu, sigma, rng), { n: 400, alpha: 0.1, periodsPerYear: 1 }, rng);
      if (ci.lower <= 0.1 && 0.1 <= ci.upper) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(165);
    expect(covered).toBeLessThanOrEqual(195);
  });

  it('width matches Lo (2002) 2·1.96·sqrt((1 + SR²/2)/T) and shrinks like 1/sqrt(T)', () => {
    const meanWidth = (t: number): number => {
      let w = 0;
      for (let s = 0; s < 10; s++) {
        const rng = seeded(`w-${t}-${s}`);
        const ci = bootstrapSharpeCI(
          normalReturns(t, mu, sigma, rng),
          { n: 500, alpha: 0.05, periodsPerYear: 252 },
          rng,
        );
        w += ci.upper - ci.lower;
      }
      return w / 10;
    };
    const w250 = meanWidth(250);
    const w1000 = meanWidth(1000);
    // Lo's analytic width, annualised: 2 · 1.959964 · SE · sqrt(252)
    const lo = (t: number) => 2 * 1.959963984540054 * loSharpeStdError(0.1, t) * Math.sqrt(252);
    expect(w250 / lo(250)).toBeGreaterThan(0.85);
    expect(w250 / lo(250)).toBeLessThan(1.15);
    expect(w1000 / lo(1000)).toBeGreaterThan(0.85);
    expect(w1000 / lo(1000)).toBeLessThan(1.15);
    expect(w250 / w1000).toBeGreaterThan(1.7); // sqrt(1000/250) = 2
    expect(w250 / w1000).toBeLessThan(2.3);
  });

  it('block resampling widens the CI of autocorrelated returns that iid resampling understates', () => {
    // AR(1) with φ = 0.6: the variance of the mean is inflated by (1+φ)/(1-φ) = 4, so the true
    // standard error of the Sharpe is ~2× the iid one. iid resampling cannot see that; blocks can.
    const rng = seeded('ar1');
    const t = 2000;
    const x = new Float64Array(t);
    let prev = 0;
    for (let i = 0; i < t; i++) x[i] = prev = 0.6 * prev + 0.01 * gaussian(rng);
    for (let i = 0; i < t; i++) x[i] += 0.0005;
    const iid = bootstrapSharpeCI(x, { n: 400, alpha: 0.05, periodsPerYear: 1 }, seeded('b1'));
    const block = bootstrapSharpeCI(x, { n: 400, alpha: 0.05, blockSize: 40, periodsPerYear: 1 }, seeded('b2'));
    expect((block.upper - block.lower) / (iid.upper - iid.lower)).toBeGreaterThan(1.4);
  });

  it('is reproducible for a seed and leaves the input untouched', () => {
    const x = normalReturns(100, mu, sigma, seeded('in'));
    const copy = Float64Array.from(x);
    const a = bootstrapSharpeCI(x, { n: 100, alpha: 0.05, blockSize: 5, periodsPerYear: 1 }, seeded('r'));
    const b = bootstrapSharpeCI(x, { n: 100, alpha: 0.05, blockSize: 5, periodsPerYear: 1 }, seeded('r'));
    expect(a).toEqual(b);
    expect(x).toEqual(copy);
  });
});
