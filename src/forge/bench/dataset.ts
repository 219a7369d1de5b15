import { resampleFeed } from '../../engine/feeds.js';
import { generateCandles } from '../../engine/synthetic.js';
import { timeframeMs } from '../../engine/timeframe.js';
import type { Feed } from '../../engine/types.js';
import { BENCH_TIMEFRAMES } from './levels.js';

// The bench's data: a seeded synthetic 15m series (140,000 bars = 4 years by default) with its 1h, 4h
// and 1d resamples, and the peer workload's real CSV.

export const BENCH_BARS = 140_000;
export const BENCH_SEED = 'forge-bench';
const START = Date.UTC(2021, 0, 1);

/** `bars` synthetic 15m candles from 2021-01-01 plus complete-bucket 1h/4h/1d feeds. */
export function benchFeeds(bars: number = BENCH_BARS, seed: string = BENCH_SEED): Record<string, Feed> {
  const tfMs = timeframeMs('15m');
  const c = generateCandles({ seed, from: START, to: START + bars * tfMs, tfMs, shape: 'mixed', startPrice: 30_000 });
  const exec: Feed = {
    tf: '15m',
    tfMs,
    time: c.time,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    length: c.length,
  };
  const feeds: Record<string, Feed> = { '15m': exec };
  for (const tf of BENCH_TIMEFRAMES.slice(1)) feeds[tf] = resampleFeed(exec, tf);
  return feeds;
}
