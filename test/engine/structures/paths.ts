import type { Feed } from '../../../src/engine/types.js';

const H = 3_600_000;

/** A 1h feed whose open = high = low = close = prices[i] (zero-range bars make pivots easy to compute by hand). */
export function lineFeed(prices: readonly number[]): Feed {
  return barsFeed(prices, prices, prices);
}

/** A 1h feed from explicit highs, lows and closes (open = previous close). */
export function barsFeed(high: readonly number[], low: readonly number[], close: readonly number[]): Feed {
  const n = close.length;
  return {
    tf: '1h',
    tfMs: H,
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * H),
    open: Float64Array.from({ length: n }, (_, i) => close[Math.max(0, i - 1)]),
    high: Float64Array.from(high),
    low: Float64Array.from(low),
    close: Float64Array.from(close),
    volume: new Float64Array(n).fill(1000),
    length: n,
  };
}

/** Straight legs of `legBars` bars between turning points: bar 0 is turns[0], bar k * legBars is turns[k]. */
export function zigzag(turns: readonly number[], legBars = 4): number[] {
  const out = [turns[0]];
  for (let k = 1; k < turns.length; k++) {
    for (let b = 1; b <= legBars; b++) out.push(turns[k - 1] + ((turns[k] - turns[k - 1]) * b) / legBars);
  }
  return out;
}
