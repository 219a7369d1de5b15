import seedrandom from 'seedrandom';
import { MapFeatureCache, parsePlay } from '../../../src/engine/play/index.js';
import type { Feed } from '../../../src/engine/types.js';
import { resolveFitness } from '../../../src/forge/fitness.js';
import type { PlayContext } from '../../../src/forge/validate/types.js';

// Constructed markets for the guard tests: a feed from a log-price path, and a PlayContext over it.

export const HOUR = 3_600_000;
export const START = Date.UTC(2022, 0, 1);

/** OHLC bars from log prices: open = previous close, high/low a little outside. */
export function feedFromLogPrices(logp: ArrayLike<number>, tf = '1h', tfMs = HOUR, start = START): Feed {
  const n = logp.length;
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n).fill(1000);
  for (let i = 0; i < n; i++) {
    time[i] = start + i * tfMs;
    close[i] = Math.exp(logp[i]);
    open[i] = i === 0 ? close[i] : close[i - 1];
    high[i] = Math.max(open[i], close[i]) * 1.001;
    low[i] = Math.min(open[i], close[i]) * 0.999;
  }
  return { tf, tfMs, time, open, high, low, close, volume, length: n };
}

/** Planted trends: a random walk whose drift flips sign every `half` bars (+drift, -drift, ...), iid noise sd `sd`. */
export function trendFeed(n: number, seed: string, half = 150, drift = 0.002, sd = 0.006): Feed {
  const rng = seedrandom(seed);
  const logp = new Float64Array(n);
  let x = Math.log(150);
  for (let i = 0; i < n; i++) {
    x += (Math.floor(i / half) % 2 === 0 ? drift : -drift) + sd * (rng() * 2 - 1) * Math.sqrt(3);
    logp[i] = x;
  }
  return feedFromLogPrices(logp);
}

/** A random walk: no structure for any play to time. */
export function noiseFeed(n: number, seed: string, sd = 0.005): Feed {
  const rng = seedrandom(seed);
  const logp = new Float64Array(n);
  let x = Math.log(150);
  for (let i = 0; i < n; i++) {
    x += sd * (rng() * 2 - 1) * Math.sqrt(3);
    logp[i] = x;
  }
  return feedFromLogPrices(logp);
}

/** Linear drift in log price (per bar) with small iid noise around it. */
export function driftFeed(n: number, seed: string, drift: number): Feed {
  const rng = seedrandom(seed);
  const logp = new Float64Array(n);
  for (let i = 0; i < n; i++) logp[i] = Math.log(150) + drift * i + 0.001 * (rng() * 2 - 1);
  return feedFromLogPrices(logp);
}

export const CROSS_PLAY = `
market: {symbol: TEST, tf: 1h}
features:
  fast: {indicator: sma, params: {period: {int: [2, 30]}}}
  slow: {indicator: sma, params: {period: {int: [20, 80], step: 5}}}
entry:
  long: [{cross_above: [fast, slow]}]
  short: [{cross_below: [fast, slow]}]
sizing: {mode: fraction, fraction: 0.95}
costs: {fee_bps: 5, slippage_bps: 1}
cash: 10000
`;

export function context(playText: string, feed: Feed, genome: number[], minTrades = 1): PlayContext {
  return {
    space: parsePlay(playText, 'test.yaml'),
    genome,
    feeds: { [feed.tf]: feed },
    inSample: [feed.time[0], feed.time[feed.length - 1] + feed.tfMs],
    cash: 10_000,
    fitness: resolveFitness({ minTrades }),
    cache: new MapFeatureCache(),
  };
}
