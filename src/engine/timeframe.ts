import { ForgeError, suggestion } from './errors.js';

// Timeframes are fixed-length bars aligned to the Unix epoch (UTC). Calendar months are not
// fixed-length and are not supported as a bar size.

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const COMMON_TIMEFRAMES = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '1w',
] as const;

/** Milliseconds in one bar of `tf` ('15m', '4h', '1d', '1w'). Throws a ForgeError naming `field`. */
export function timeframeMs(tf: string, field = 'timeframe'): number {
  if (/^\d+(M|mo|mon|month|months)$/.test(tf)) {
    // Checked before the "did you mean" below, which would offer '1m' (minutes) for '1M' (months).
    throw new ForgeError(
      `${field}: '${tf}' is a calendar month, and months are not bars of fixed length, which forge needs`,
      'use 1w or 1d bars (forge data resample builds them from shorter bars), e.g. --tf 1w',
      'E_TIMEFRAME_MONTH',
    );
  }
  const m = /^(\d+)([mhdw])$/.exec(tf);
  if (!m || Number(m[1]) <= 0) {
    throw new ForgeError(
      `${field}: '${tf}' is not a timeframe${suggestion(tf, COMMON_TIMEFRAMES)}`,
      `use a count and a unit m, h, d or w, e.g. ${COMMON_TIMEFRAMES.slice(3, 8).join(', ')}`,
      'E_TIMEFRAME',
    );
  }
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * Start of the bucket of length `bucketMs` holding `ts`. Weekly buckets start on Monday 00:00 UTC
 * (the epoch was a Thursday, hence the 4-day shift); everything else is epoch-aligned.
 */
export function bucketStart(ts: number, bucketMs: number): number {
  const shift = bucketMs % UNIT_MS.w === 0 ? 4 * UNIT_MS.d : 0;
  return Math.floor((ts - shift) / bucketMs) * bucketMs + shift;
}

/** Bars of `tf` per year (365.25 days), for annualising returns and volatility. */
export function barsPerYear(tf: string): number {
  return (365.25 * UNIT_MS.d) / timeframeMs(tf);
}
