import seedrandom from 'seedrandom';
import type { Feed } from '../../src/engine/types.js';

/**
 * A small seeded random-walk feed for unit tests: internally consistent OHLC (low <= open, close <= high),
 * positive volume, epoch-aligned bar times. Not the product's synthetic generator; just test input.
 */
export function randomFeed(
  length: number,
  seed = 'test',
  tf = '1h',
  tfMs = 3_600_000,
  start = Date.UTC(2022, 0, 1),
): Feed {
  const rng = seedrandom(seed);
  const time = new Float64Array(length);
  const open = new Float64Array(length);
  const high = new Float64Array(length);
  const low = new Float64Array(length);
  const close = new Float64Array(length);
  const volume = new Float64Array(length);
  let price = 100;
  for (let i = 0; i < length; i++) {
    time[i] = start + i * tfMs;
    const o = price;
    const c = o * Math.exp((rng() - 0.5) * 0.04);
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) * (1 + rng() * 0.01);
    low[i] = Math.min(o, c) * (1 - rng() * 0.01);
    volume[i] = 1000 + rng() * 9000;
    price = c;
  }
  return { tf, tfMs, time, open, high, low, close, volume, length };
}
