import { describe, expect, it } from 'vitest';
import { sensitivityDispersion } from '../../../src/forge/stats/sensitivity.js';

describe('sensitivityDispersion', () => {
  it('plateau: centre 2.0, neighbours 1.8 2.2 1.9 2.1 -> 7.07 % (passes < 10 %)', () => {
    // Hand: mean = 10/5 = 2; squared deviations 0 + .04 + .04 + .01 + .01 = 0.10; sd = sqrt(0.10/5)
    // = 0.1414214 -> 7.0710678 %. numpy: 100*np.std([2,1.8,2.2,1.9,2.1])/2 = 7.0710678.
    // mean |change| = (0.2+0.2+0.1+0.1)/4 = 0.15 -> 7.5 % of 2; worst drop (2-1.8)/2 = 10 %.
    const r = sensitivityDispersion(2.0, [1.8, 2.2, 1.9, 2.1]);
    expect(r.dispersionPct).toBeCloseTo(7.0710678118654755, 10);
    expect(r.meanAbsChangePct).toBeCloseTo(7.5, 10);
    expect(r.worstDropPct).toBeCloseTo(10, 10);
    expect(r.points).toBe(5);
  });
  it('spike: centre 2.0, neighbours 0.5 0.4 0.6 0.5 -> 75.4 % (fails)', () => {
    // mean 4/5 = 0.8; squared deviations 1.44 + .09 + .16 + .04 + .09 = 1.82; sd = sqrt(0.364)
    // = 0.6033241 -> 75.415514 %
    expect(sensitivityDispersion(2.0, [0.5, 0.4, 0.6, 0.5]).dispersionPct).toBeCloseTo(75.41551564, 6);
  });
  it('uses |mean| for negative fitness and is NaN where a ratio is undefined', () => {
    expect(sensitivityDispersion(-2.0, [-1.8, -2.2, -1.9, -2.1]).dispersionPct).toBeCloseTo(7.0710678118654755, 10);
    expect(sensitivityDispersion(1, [-1]).dispersionPct).toBeNaN(); // mean 0
    expect(sensitivityDispersion(0, [1, -0.5]).meanAbsChangePct).toBeNaN(); // centre 0
  });
  it('a failed neighbour or no neighbours give NaN, so the guard fails', () => {
    expect(sensitivityDispersion(2, [1.9, NaN]).dispersionPct).toBeNaN();
    expect(sensitivityDispersion(NaN, [1.9]).dispersionPct).toBeNaN();
    expect(sensitivityDispersion(2, []).dispersionPct).toBeNaN();
  });
});
