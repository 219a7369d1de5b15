import { ForgeError } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import { disallowed, type MarketCalendar } from './check.js';
import { isoUtc } from './rows.js';

// What a file's bar times say about its timeframe, checked against --tf before anything is stored:
// a daily file imported as 1h lands on the 1h grid and would pass every per-row check, then feed
// backtests with bars 24 times too long. And the import-time gap rule: a long hole in a file is a
// data problem to refuse (or accept knowingly with --skip-bad), not something to find at preflight.

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Bars missing in a row (not excused by the calendar) from which an import refuses the file. */
export const MAX_GAP_BARS = 30;

export interface Spacing {
  /** The most common distance between consecutive bars, in ms; NaN with fewer than 2 bars. */
  readonly modeMs: number;
  /** Share of distances equal to the mode. */
  readonly share: number;
}

/** Over the sorted times, so that an unsorted file is reported as unsorted, not as the wrong timeframe. */
export function barSpacing(times: ArrayLike<number>, n: number): Spacing {
  const ts = Float64Array.from({ length: n }, (_, i) => times[i]).sort();
  const counts = new Map<number, number>();
  let total = 0;
  for (let i = 1; i < n; i++) {
    const d = ts[i] - ts[i - 1];
    if (!(d > 0)) continue;
    counts.set(d, (counts.get(d) ?? 0) + 1);
    total++;
  }
  let modeMs = NaN;
  let best = 0;
  for (const [d, c] of counts) {
    if (c > best || (c === best && d < modeMs)) {
      best = c;
      modeMs = d;
    }
  }
  return { modeMs, share: total > 0 ? best / total : 0 };
}

/** '15m', '1h', '4h', '1d', '1w' for a bar length in ms; the largest unit that divides it. */
export function timeframeName(ms: number): string {
  if (ms % (7 * DAY) === 0) return `${ms / (7 * DAY)}w`;
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${ms / MINUTE}m`;
}

const looksMonthly = (ms: number): boolean => ms >= 28 * DAY && ms <= 31 * DAY;

/** The file's timeframe from its bar spacing (--tf auto). */
export function detectTimeframe(file: string, ts: ArrayLike<number>, n: number): string {
  const s = barSpacing(ts, n);
  if (!Number.isFinite(s.modeMs)) {
    throw new ForgeError(
      `${file}: --tf auto needs at least two bars to measure their spacing`,
      'give the timeframe, e.g. --tf 1h',
      'E_TF_AUTO',
    );
  }
  if (looksMonthly(s.modeMs)) throw monthlyError(file);
  if (s.modeMs % MINUTE !== 0) {
    throw new ForgeError(
      `${file}: its bars are ${s.modeMs / 1000} s apart, not a whole number of minutes`,
      'check the time column; forge timeframes are whole minutes, hours, days or weeks',
      'E_TF_AUTO',
    );
  }
  return timeframeName(s.modeMs);
}

/** Refuses a file whose bars are clearly spaced wider than --tf (daily bars imported as 1h). */
export function checkSpacing(file: string, tf: string, ts: ArrayLike<number>, n: number): void {
  const tfMs = timeframeMs(tf, '--tf');
  const s = barSpacing(ts, n);
  // Half the distances agreeing on one wider spacing: gaps alone never look like this.
  if (!Number.isFinite(s.modeMs) || s.modeMs <= tfMs || s.share < 0.5 || n < 3) return;
  if (looksMonthly(s.modeMs)) throw monthlyError(file);
  const seen = s.modeMs % MINUTE === 0 ? timeframeName(s.modeMs) : `${s.modeMs / 1000} s`;
  throw new ForgeError(
    `${file}: --tf ${tf} but its bars are ${seen} apart (${Math.round(s.share * 100)}% ` +
      `of them): the file holds ${seen} bars, not ${tf}`,
    `import it with --tf ${seen} (or --tf auto to detect it), then derive other timeframes with forge data resample`,
    'E_TF_MISMATCH',
  );
}

function monthlyError(file: string): ForgeError {
  return new ForgeError(
    `${file}: its bars are about a month apart (calendar months), which forge does not support as a timeframe`,
    'import shorter bars (daily or weekly) and resample; months are not bars of fixed length',
    'E_TIMEFRAME_MONTH',
  );
}

export interface Gap {
  /** First missing bar and the bar after the gap. */
  readonly from: number;
  readonly next: number;
  readonly missing: number;
}

/** Holes of MAX_GAP_BARS or more bars the calendar does not excuse, between consecutive sorted bars. */
export function longGaps(ts: ArrayLike<number>, n: number, tf: string, calendar: MarketCalendar): Gap[] {
  const tfMs = timeframeMs(tf, '--tf');
  const out: Gap[] = [];
  for (let i = 1; i < n; i++) {
    if (ts[i] - ts[i - 1] <= tfMs * MAX_GAP_BARS) continue;
    const from = ts[i - 1] + tfMs;
    const d = disallowed(from, ts[i], tfMs, calendar);
    if (d.bad >= MAX_GAP_BARS) out.push({ from, next: ts[i], missing: d.bad });
  }
  return out;
}

export function describeGap(g: Gap, tf: string): string {
  return `${g.missing} ${tf} bars missing from ${isoUtc(g.from)} to the next bar at ${isoUtc(g.next)}`;
}

export function gapsError(file: string, tf: string, calendar: MarketCalendar, gaps: readonly Gap[]): ForgeError {
  const more = gaps.length > 1 ? ` (and ${gaps.length - 1} more)` : '';
  return new ForgeError(
    `${file}: ${describeGap(gaps[0], tf)}${more}, a gap of ${MAX_GAP_BARS} ` +
      `bars or more (calendar ${calendar}); nothing was imported`,
    `import a file without the hole, or pass --skip-bad to import it anyway with the gap reported` +
      (calendar === '24x7' ? ' (a market closed on weekends: --calendar weekdays)' : ''),
    'E_IMPORT_GAP',
  );
}
