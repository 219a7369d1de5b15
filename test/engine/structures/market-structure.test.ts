import { describe, expect, it } from 'vitest';
import { MARKET_STRUCTURE } from '../../../src/engine/structures/market-structure.js';
import { barsFeed, lineFeed, zigzag } from './paths.js';

const p = { left: 2, right: 2 };
// Legs of 4 bars. Up-staircase: highs 110 (bar 4), 115 (12), 120 (20), 125 (28); lows 105 (8), 110 (16), 115 (24).
// Confirmations 2 bars later: H@6, L@10, H@14, L@18, H@22, L@26, H@30.
const up = zigzag([100, 110, 105, 115, 110, 120, 115, 125, 120]);
const nulls = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

describe('market_structure', () => {
  it('is +1 on an up-staircase from the bar the second swing low is confirmed', () => {
    const [trend] = MARKET_STRUCTURE.compute(lineFeed(up), p);
    for (let i = 0; i < 18; i++) expect(trend[i]).toBeNaN(); // the second low (bar 16) is visible at 18
    for (let i = 18; i < up.length; i++) expect(trend[i]).toBe(1);
  });

  it('is -1 on a down-staircase and 0 when highs rise while lows fall', () => {
    const down = up.map((v) => 200 - v);
    const [trend] = MARKET_STRUCTURE.compute(lineFeed(down), p);
    expect(trend[17]).toBeNaN();
    for (let i = 18; i < down.length; i++) expect(trend[i]).toBe(-1);
    const widening = zigzag([100, 110, 95, 115, 90, 120, 85, 125, 80]);
    const [trendW] = MARKET_STRUCTURE.compute(lineFeed(widening), p);
    for (let i = 18; i < widening.length; i++) expect(trendW[i]).toBe(0);
  });

  it('marks breaks of structure on the bar whose close first clears the confirmed swing', () => {
    const [, bos, level, dir] = MARKET_STRUCTURE.compute(lineFeed(up), p);
    // 110 swing high visible from bar 6; the climb 105 -> 115 is 107.5, 110, 112.5 at bars 9, 10, 11:
    // 110 is not above 110, so the break is at bar 11. The 115 high (visible at 14) breaks at bar 19 (117.5).
    expect(nulls(bos).slice(0, 12)).toEqual([null, null, null, null, null, null, 0, 0, 0, 0, 0, 1]);
    const breaks = [...bos.keys()].filter((i) => bos[i] !== 0 && !Number.isNaN(bos[i]));
    expect(breaks).toEqual([11, 19, 27]);
    expect(level[10]).toBeNaN();
    expect([level[11], level[19], level[27]]).toEqual([110, 115, 120]);
    expect(dir[27]).toBe(1);
    const [, bosDown, levelDown] = MARKET_STRUCTURE.compute(lineFeed(up.map((v) => 200 - v)), p);
    expect(bosDown[11]).toBe(-1);
    expect(levelDown[11]).toBe(90);
  });

  it('reaches its warmup on the tightest possible pair of outside-bar pivots', () => {
    // left = right = 2: pivots (high and low at once) at bars 2 and 5, the second confirmed at 7 = 2 + 2 + 1 + 2.
    const f = barsFeed([1, 2, 10, 3, 4, 11, 5, 5], [9, 8, 0, 7, 6, -1, 5, 5], [5, 5, 5, 5, 5, 5, 5, 5]);
    const [trend] = MARKET_STRUCTURE.compute(f, p);
    expect(MARKET_STRUCTURE.warmup(p)).toBe(7);
    expect(nulls(trend)).toEqual([null, null, null, null, null, null, null, 0]);
  });
});
