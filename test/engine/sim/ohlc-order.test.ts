import { describe, expect, it } from 'vitest';
import { ohlcOrdered } from '../../../src/engine/sim/ohlc-order.js';

const col = (...xs: number[]) => Float64Array.from(xs);

describe('ohlcOrdered: every bar finite with low <= open, close <= high', () => {
  const ok = () => ({ o: col(10, 11, 12), h: col(11, 12, 12), l: col(9, 10, 11), c: col(10.5, 11, 12) });

  it('accepts ordered bars, including open or close equal to the low or the high', () => {
    const { o, h, l, c } = ok();
    expect(ohlcOrdered(o, h, l, c, 3)).toBe(true);
  });

  it.each([
    ['open below the low', 'o', 0, 8.5],
    ['open above the high', 'o', 1, 12.5],
    ['close below the low', 'c', 2, 10.9],
    ['close above the high', 'c', 0, 11.1],
    ['a NaN low', 'l', 1, NaN],
    ['a NaN open', 'o', 2, NaN],
    ['an infinite high', 'h', 0, Infinity],
    ['a low of -Infinity', 'l', 2, -Infinity],
  ] as const)('refuses %s', (_what, key, i, v) => {
    const bars = ok();
    bars[key][i] = v;
    expect(ohlcOrdered(bars.o, bars.h, bars.l, bars.c, 3)).toBe(false);
  });

  it('looks only at the first n bars, and remembers per length and per set of columns', () => {
    const { o, h, l, c } = ok();
    o[2] = 20; // bar 2 unordered
    expect(ohlcOrdered(o, h, l, c, 2)).toBe(true);
    expect(ohlcOrdered(o, h, l, c, 3)).toBe(false);
    // The same low column with another (ordered) open column is asked afresh, not answered from memory.
    expect(ohlcOrdered(col(10, 11, 12), h, l, c, 3)).toBe(true);
    // Views of the same bytes are the same feed.
    expect(ohlcOrdered(o.subarray(0), h.subarray(0), l.subarray(0), c.subarray(0), 3)).toBe(false);
  });
});
