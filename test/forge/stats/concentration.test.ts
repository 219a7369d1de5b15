import { describe, expect, it } from 'vitest';
import { topTradeShare } from '../../../src/forge/stats/concentration.js';

describe('topTradeShare', () => {
  // Hand: total = 5 - 2 + 3 + 10 - 1 + 1 + 4 = 20; top 2 = 10 + 5 = 15; top 3 = 15 + 4 = 19.
  const pnl = [5, -2, 3, 10, -1, 1, 4];
  it('is the share of net profit from the k largest trades', () => {
    expect(topTradeShare(pnl, 2)).toBeCloseTo(0.75, 15);
    expect(topTradeShare(Float64Array.from(pnl), 3)).toBeCloseTo(0.95, 15);
  });
  it('is exactly 1 with k or fewer trades (default k = 10)', () => {
    expect(topTradeShare(pnl)).toBe(1);
  });
  it('can exceed 1 when the other trades lose in total', () => {
    // total 10 - 4 + 1 = 7; top 1 = 10 -> 10/7
    expect(topTradeShare([10, -4, 1], 1)).toBeCloseTo(10 / 7, 15);
  });
  it('is NaN with no net profit, NaN input, no trades or a bad k', () => {
    expect(topTradeShare([1, -1], 1)).toBeNaN();
    expect(topTradeShare([-3, 1], 1)).toBeNaN();
    expect(topTradeShare([1, NaN, 2], 1)).toBeNaN();
    expect(topTradeShare([], 1)).toBeNaN();
    expect(topTradeShare([1, 2], 0)).toBeNaN();
  });
  it('does not mutate the input', () => {
    const a = [3, 1, 2];
    topTradeShare(a, 1);
    expect(a).toEqual([3, 1, 2]);
  });
});
