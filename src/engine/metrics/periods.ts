import { barsPerYear } from '../timeframe.js';
import type { Feed } from '../types.js';

const DAY_MS = 86_400_000;

/** Share of bars opening on a Saturday or Sunday (UTC). */
export function weekendShare(time: Float64Array): number {
  const n = time.length;
  if (n === 0) return 0;
  let weekend = 0;
  for (let i = 0; i < n; i++) {
    // Day 0 of the epoch was a Thursday: (days + 4) % 7 gives 0 = Sunday ... 6 = Saturday.
    const dow = (Math.floor(time[i] / DAY_MS) + 4) % 7;
    if (dow === 0 || dow === 6) weekend++;
  }
  return weekend / n;
}

/**
 * Periods per year used to annualise per-bar returns and volatility.
 * - Weekly or longer bars, or markets that trade on weekends (crypto), use calendar time:
 *   barsPerYear(feed.tf), i.e. 365.25 days a year.
 * - Markets that close on weekends are detected as backtesting.py does (weekend bars are at most
 *   60 % of the 2/7 a 24/7 market would have) and get 252 trading days a year: daily bars 252,
 *   longer-than-daily bars 252 / days per bar, intraday bars 252 x the bars seen per trading day.
 * backtesting.py itself resamples intraday equity to daily returns and uses 365 (not 365.25) for
 * 24/7 daily data; forge annualises per-bar returns, so for daily bars of closing markets (GOOG) the
 * two agree exactly and elsewhere they differ slightly.
 */
export function periodsPerYear(feed: Feed): number {
  // Cached per time column: the GA evaluates thousands of plays on the same feed. Keyed by the memory
  // under the column plus its offset and length, because each evaluation slices the feed into fresh
  // subarray views of the same bytes (a cache keyed by the view object would never hit).
  const t = feed.time;
  let perBuffer = cache.get(t.buffer);
  if (perBuffer === undefined) {
    perBuffer = new Map();
    cache.set(t.buffer, perBuffer);
  }
  const key = `${t.byteOffset}:${feed.length}:${feed.tfMs}`;
  const cached = perBuffer.get(key);
  if (cached !== undefined) return cached;
  const value = detectPeriodsPerYear(feed);
  perBuffer.set(key, value);
  return value;
}

// Times are never written (feeds are read-only), so a value computed for bytes [offset, offset + length) stays true.
const cache = new WeakMap<ArrayBufferLike, Map<string, number>>();

function detectPeriodsPerYear(feed: Feed): number {
  const n = feed.length;
  if (feed.tfMs >= 7 * DAY_MS || n === 0) return barsPerYear(feed.tf);
  if (weekendShare(feed.time) > (2 / 7) * 0.6) return barsPerYear(feed.tf);
  if (feed.tfMs >= DAY_MS) return (252 * DAY_MS) / feed.tfMs;
  let days = 1;
  let prev = Math.floor(feed.time[0] / DAY_MS);
  for (let i = 1; i < n; i++) {
    const d = Math.floor(feed.time[i] / DAY_MS);
    if (d !== prev) {
      days++;
      prev = d;
    }
  }
  return (252 * n) / days;
}
