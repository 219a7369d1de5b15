import { ForgeError } from '../../engine/errors.js';
import { bucketStart, timeframeMs } from '../../engine/timeframe.js';
import type { BadRow, RawCandles } from './csv.js';

// The checks every import input passes, whatever its format: bar times on the timeframe's grid,
// strictly increasing, and an explicit policy for OHLC that contradicts itself.

/** What to do with a bar whose high/low do not contain its open and close. */
export type OhlcPolicy = 'repair' | 'reject' | 'keep';
export const OHLC_POLICIES: readonly OhlcPolicy[] = ['repair', 'reject', 'keep'];

export interface Repair {
  readonly line: number;
  readonly time: string;
  /** What was wrong, e.g. 'high 3700 < close 3710'. */
  readonly problem: string;
  readonly high: readonly [number, number];
  readonly low: readonly [number, number];
}

export interface CheckedCandles {
  readonly n: number;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly repaired: Uint8Array;
  /** Lines (or rows) that failed parsing or checks, in file order. */
  readonly bad: BadRow[];
  readonly repairs: Repair[];
  /** Inconsistent bars stored as they are under --ohlc keep (by line). */
  readonly kept: number[];
}

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const SKIP_FIX = 'or pass --skip-bad to import the rest of the file without these lines';

/** A bar whose price is this many times (or this fraction of) the previous close is a data error. */
export const MAX_BAR_JUMP = 1000;

export function checkRows(raw: RawCandles, tf: string, policy: OhlcPolicy, nowMs = Date.now()): CheckedCandles {
  const tfMs = timeframeMs(tf, '--tf');
  const n = raw.n;
  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const repaired = new Uint8Array(n);
  const bad: BadRow[] = [];
  const repairs: Repair[] = [];
  const kept: number[] = [];
  const where = raw.unit;
  let k = 0;
  let prevTs = -Infinity;
  let prevLine = 0;
  for (let i = 0; i < n; i++) {
    const t = raw.ts[i];
    const line = raw.lines[i];
    if (!Number.isInteger(t) || bucketStart(t, tfMs) !== t) {
      bad.push({
        line,
        reason:
          `timestamp ${isoUtc(Math.round(t))} is not on the ${tf} grid ` +
          `(bars of ${tf} start at multiples of ${tf} since 1970-01-01 UTC)`,
        fix: `check --tf (is the file really ${tf} bars?) or that the times are bar open times in UTC`,
      });
      continue;
    }
    if (t <= prevTs) {
      bad.push(
        t === prevTs
          ? {
              line,
              reason: `duplicate timestamp ${isoUtc(t)} (also on ${where} ${prevLine})`,
              fix: 'remove one of the two bars',
            }
          : {
              line,
              reason:
                `timestamp ${isoUtc(t)} is earlier than ${isoUtc(prevTs)} ` +
                `on ${where} ${prevLine}: the file is not sorted`,
              fix: 'sort the file by time, oldest first',
            },
      );
      continue;
    }
    if (t > nowMs + tfMs) {
      bad.push({
        line,
        reason: `timestamp ${isoUtc(t)} is in the future`,
        fix: "check the time column's year and unit (seconds, milliseconds or microseconds)",
      });
      continue;
    }
    const o = raw.open[i];
    let h = raw.high[i];
    let l = raw.low[i];
    const c = raw.close[i];
    const jump = k > 0 ? priceJump(close[k - 1], o, h, l, c) : null;
    if (jump !== null) {
      bad.push({
        line,
        reason:
          `${jump} at ${isoUtc(t)}, over ${MAX_BAR_JUMP}x away from the previous ` +
          `close ${close[k - 1]}: a data error (a shifted decimal, a wrong column)`,
        fix: 'correct or remove the bar',
      });
      continue;
    }
    if (h < l) {
      bad.push({
        line,
        reason: `high ${h} is below low ${l} at ${isoUtc(t)}: not repairable`,
        fix: 'correct or remove the bar',
      });
      continue;
    }
    let rep = 0;
    if (h < o || h < c || l > o || l > c) {
      const problem = ohlcProblem(o, h, l, c);
      if (policy === 'reject') {
        bad.push({
          line,
          reason: `inconsistent OHLC at ${isoUtc(t)}: ${problem}`,
          fix:
            'correct the bar, or import with --ohlc repair (widen ' +
            'high/low to contain open and close) or --ohlc keep',
        });
        continue;
      }
      if (policy === 'repair') {
        const h2 = Math.max(h, o, c);
        const l2 = Math.min(l, o, c);
        repairs.push({ line, time: isoUtc(t), problem, high: [h, h2], low: [l, l2] });
        h = h2;
        l = l2;
        rep = 1;
      } else {
        kept.push(line);
      }
    }
    ts[k] = t;
    open[k] = o;
    high[k] = h;
    low[k] = l;
    close[k] = c;
    volume[k] = raw.volume[i];
    repaired[k] = rep;
    k++;
    prevTs = t;
    prevLine = line;
  }
  const allBad = raw.bad.length === 0 ? bad : [...raw.bad, ...bad].sort((a, b) => a.line - b.line);
  return {
    n: k,
    ts: ts.subarray(0, k),
    open: open.subarray(0, k),
    high: high.subarray(0, k),
    low: low.subarray(0, k),
    close: close.subarray(0, k),
    volume: volume.subarray(0, k),
    repaired: repaired.subarray(0, k),
    bad: allBad,
    repairs,
    kept,
  };
}

function ohlcProblem(o: number, h: number, l: number, c: number): string {
  const parts: string[] = [];
  if (h < Math.max(o, c)) parts.push(`high ${h} < ${o >= c ? 'open' : 'close'} ${Math.max(o, c)}`);
  if (l > Math.min(o, c)) parts.push(`low ${l} > ${o <= c ? 'open' : 'close'} ${Math.min(o, c)}`);
  return parts.join(', ');
}

/** The error for a file with bad lines when --skip-bad is not given: the first line, the count, and a fix. */
export function badRowsError(file: string, unit: 'line' | 'row', bad: readonly BadRow[]): ForgeError {
  const first = bad[0];
  const at = unit === 'line' ? `${file}:${first.line}` : `${file}: row ${first.line}`;
  const more =
    bad.length > 1
      ? ` (and ${bad.length - 1} more bad ${unit}${bad.length > 2 ? 's' : ''}: ${bad
          .slice(1, 6)
          .map((b) => b.line)
          .join(', ')}${bad.length > 6 ? ', ...' : ''})`
      : '';
  return new ForgeError(
    `${at}: ${first.reason}${more}; nothing was imported`,
    `${first.fix}; ${SKIP_FIX}`,
    unit === 'line' ? 'E_CSV_LINE' : 'E_PARQUET_ROW',
  );
}

/**
 * The first of open/high/low/close more than MAX_BAR_JUMP times
 * above or below `prev`, as "high 1e+308"; null when none is.
 */
function priceJump(prev: number, o: number, h: number, l: number, c: number): string | null {
  const names = ['open', 'high', 'low', 'close'];
  const values = [o, h, l, c];
  for (let j = 0; j < 4; j++) {
    const r = values[j] / prev;
    if (!(r < MAX_BAR_JUMP && r > 1 / MAX_BAR_JUMP)) return `${names[j]} ${values[j]}`;
  }
  return null;
}
