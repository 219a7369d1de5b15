import { describe, expect, it } from 'vitest';
import { breakEvenFeeBps } from '../../../src/forge/stats/costs.js';

describe('breakEvenFeeBps', () => {
  const gross = [0.02, -0.01, 0.005];
  it('additive: Σ gross / Σ fills — 0.015 / 6 = 0.0025 = 25 bps', () => {
    expect(breakEvenFeeBps(gross, 2)).toBeCloseTo(25, 10);
  });
  it('per-trade fills: 0.015 / (2 + 4 + 2) = 18.75 bps', () => {
    expect(breakEvenFeeBps(gross, [2, 4, 2])).toBeCloseTo(18.75, 10);
  });
  it('negative when the play loses before costs: -0.006 / 4 = -15 bps', () => {
    expect(breakEvenFeeBps([-0.01, 0.004], 2)).toBeCloseTo(-15, 10);
  });
  it('compounded: Π(1 + g - 2f) = 1 at 24.625 bps', () => {
    // scipy.optimize.brentq(lambda f: sum(log(1 + g - 2f)), -0.1, 0.3) = 0.0024625000000702 -> 24.625 bps
    const bps = breakEvenFeeBps(gross, 2, { compounded: true });
    expect(bps).toBeCloseTo(24.625, 6);
    const f = bps / 1e4;
    expect(gross.reduce((p, g) => p * (1 + g - 2 * f), 1)).toBeCloseTo(1, 12);
  });
  it('compounded with a losing edge finds the negative root', () => {
    const bps = breakEvenFeeBps([-0.01, 0.004], 2, { compounded: true });
    const f = bps / 1e4;
    expect(bps).toBeLessThan(0);
    expect((1 - 0.01 - 2 * f) * (1 + 0.004 - 2 * f)).toBeCloseTo(1, 12);
  });
  it('is NaN without trades, without fills, or with NaN / negative inputs', () => {
    expect(breakEvenFeeBps([], 2)).toBeNaN();
    expect(breakEvenFeeBps([0.01], 0)).toBeNaN();
    expect(breakEvenFeeBps([0.01, NaN], 2)).toBeNaN();
    expect(breakEvenFeeBps([0.01], -1)).toBeNaN();
    expect(breakEvenFeeBps([-1.5, 0.01], [0, 2], { compounded: true })).toBeNaN();
    expect(() => breakEvenFeeBps([0.01, 0.02], [2])).toThrow(RangeError);
  });
});
