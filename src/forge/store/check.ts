import { ForgeError, suggestion } from '../../engine/errors.js';
import { bucketStart, timeframeMs } from '../../engine/timeframe.js';
import type { CandleStore } from './store.js';

// Preflight: everything that must hold before candles feed a backtest, checked in DuckDB (window
// functions over the stored bars), so 140k bars take milliseconds. Each check names the offending
// bars; `ok` is false when any check fails. Warnings (bars whose high/low import widened) do not fail.
//
// Market calendars decide which missing bars are gaps:
// '24x7' (crypto): every bar on the timeframe grid must exist.
// 'weekdays' (forex, stocks): bars opening from Friday 20:00 UTC to Monday 00:00 UTC may be missing
//   (the weekend; Friday evening covers the forex close at 21:00/22:00 UTC), and one gap may also skip
//   the bars of up to 2 weekday dates (UTC): holidays such as Good Friday, Christmas, or a two-day
//   closure like Hurricane Sandy in 2012. A gap over weekday bars on 3 or more dates fails. Intraday
//   session hours (a stock's overnight close) are not modelled: check stocks on daily bars.
// The default calendar is the symbol's row in the `symbols` table, else '24x7'.

export type MarketCalendar = '24x7' | 'weekdays';
export const CALENDARS: readonly MarketCalendar[] = ['24x7', 'weekdays'];
export const MAX_HOLIDAY_DATES = 2;
/** Most examples listed per check; `count` always has the full number. */
export const MAX_EXAMPLES = 100;

export interface PreflightQuery {
  symbol: string;
  tf: string;
  from?: number;
  to?: number;
  warmupBars?: number;
  calendar?: '24x7' | 'weekdays';
}
export interface PreflightCheck {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  count: number;
  detail: string;
  examples: { ts: number; reason: string }[];
}
export interface PreflightReport {
  ok: boolean;
  symbol: string;
  tf: string;
  bars: number;
  first: number | null;
  last: number | null;
  checks: PreflightCheck[];
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export const isoTime = (ts: number): string =>
  Number.isFinite(ts) ? new Date(ts).toISOString().replace('.000Z', 'Z') : String(ts);

interface Stretch {
  weekday: number;
  dates: number;
  missing: number;
}

/** Grid bars first, first + tfMs, ... < end that the 'weekdays' calendar does not excuse as weekend. */
function weekdayBars(first: number, end: number, tfMs: number): Stretch {
  let weekday = 0;
  let dates = 0;
  let lastDate = NaN;
  let missing = 0;
  for (let t = first; t < end; t += tfMs) {
    missing++;
    const day = Math.floor(t / DAY_MS);
    const dow = (((day + 4) % 7) + 7) % 7; // 0 = Sunday; 1970-01-01 was a Thursday
    if (dow === 0 || dow === 6 || (dow === 5 && t - day * DAY_MS >= 20 * 3_600_000)) continue;
    weekday++;
    if (day !== lastDate) {
      dates++;
      lastDate = day;
    }
  }
  return { weekday, dates, missing };
}

/** How many missing bars in [first, end) the calendar does not allow (0 = an allowed closure). */
export function disallowed(
  first: number,
  end: number,
  tfMs: number,
  calendar: MarketCalendar,
): { bad: number; missing: number; holiday: boolean } {
  if (end <= first) return { bad: 0, missing: 0, holiday: false };
  if (calendar === '24x7') {
    const missing = Math.ceil((end - first) / tfMs);
    return { bad: missing, missing, holiday: false };
  }
  const s = weekdayBars(first, end, tfMs);
  if (s.dates <= MAX_HOLIDAY_DATES) return { bad: 0, missing: s.missing, holiday: s.weekday > 0 };
  return { bad: s.weekday, missing: s.missing, holiday: false };
}

interface Rows {
  ts: number;
  total: number;
  [k: string]: number | boolean | string | null;
}

export async function preflight(store: CandleStore, q: PreflightQuery): Promise<PreflightReport> {
  const tfMs = timeframeMs(q.tf, 'tf');
  const warmup = q.warmupBars ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new ForgeError(
      `warmup: ${warmup} is not a bar count`,
      'give a whole number of bars, 0 or more',
      'E_CHECK_ARG',
    );
  for (const [k, v] of [
    ['from', q.from],
    ['to', q.to],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v))
      throw new ForgeError(`${k}: ${v} is not a time`, 'give an ISO date such as 2022-01-01', 'E_CHECK_ARG');
  }
  if (q.from !== undefined && q.to !== undefined && !(q.from < q.to)) {
    throw new ForgeError(
      `from/to: the window [${isoTime(q.from)}, ${isoTime(q.to)}) is empty`,
      'give a --from before --to',
      'E_CHECK_ARG',
    );
  }
  if (q.calendar !== undefined && !CALENDARS.includes(q.calendar)) {
    throw new ForgeError(
      `calendar: '${q.calendar}' is not a calendar${suggestion(q.calendar, CALENDARS)}`,
      `use ${CALENDARS.join(' or ')}`,
      'E_CHECK_ARG',
    );
  }
  const calRow = await store.all<{ calendar: string }>('SELECT calendar FROM symbols WHERE symbol = $1', [q.symbol]);
  const calendar: MarketCalendar = q.calendar ?? (calRow[0]?.calendar === 'weekdays' ? 'weekdays' : '24x7');

  const key = { symbol: q.symbol, tf: q.tf };
  // The bars a backtest of [from, to) reads: the warm-up bars just before `from`, then the window.
  let warmHave = 0;
  let lo: number | undefined = q.from;
  if (q.from !== undefined && warmup > 0) {
    const w = await store.all<{ n: number; first: number | null }>(
      `SELECT CAST(count(*) AS INTEGER) AS n, CAST(min(ts) AS DOUBLE) AS first FROM
         (SELECT ts FROM candles WHERE symbol = $symbol AND tf = $tf AND ts < $from ORDER BY ts DESC LIMIT ${warmup})`,
      { ...key, from: BigInt(Math.ceil(q.from)) },
    );
    warmHave = w[0].n;
    if (w[0].first !== null) lo = w[0].first;
  }
  const where =
    'symbol = $symbol AND tf = ' +
    `$tf${lo !== undefined ? ' AND ts >= $lo' : ''}${q.to !== undefined ? ' AND ts < $hi' : ''}`;
  const params: Record<string, string | bigint> = { ...key };
  if (lo !== undefined) params.lo = BigInt(Math.ceil(lo));
  if (q.to !== undefined) params.hi = BigInt(Math.ceil(q.to));

  const rows = (sql: string) => store.all<Rows>(sql, params);
  /** Offending bars of one condition: the first MAX_EXAMPLES in time order, and the total. */
  const offenders = (cond: string, cols = '') =>
    rows(
      `SELECT CAST(ts AS DOUBLE) AS ts, CAST(count(*) OVER () AS INTEGER) AS total${cols} ` +
        `FROM candles WHERE ${where} AND (${cond}) ORDER BY ts LIMIT ${MAX_EXAMPLES}`,
    );
  const lagged = `SELECT ts, lag(ts) OVER (ORDER BY ts) AS prev FROM candles WHERE ${where}`;

  const [summary] = await rows(
    'SELECT CAST(count(*) AS INTEGER) AS total, CAST(min(ts) AS DOUBLE) AS first, ' +
      `CAST(max(ts) AS DOUBLE) AS last, 0 AS ts FROM candles WHERE ${where}`,
  );
  const bars = summary.total;
  const first = bars > 0 ? (summary.first as number) : null;
  const last = bars > 0 ? (summary.last as number) : null;
  const checks: PreflightCheck[] = [];
  const add = (
    name: string,
    bad: Rows[],
    failDetail: (n: number) => string,
    passDetail: string,
    reason: (r: Rows) => string,
    status: 'fail' | 'warn' = 'fail',
  ) => {
    const n = bad[0]?.total ?? 0;
    checks.push({
      name,
      status: n > 0 ? status : 'pass',
      count: n,
      detail: n > 0 ? failDetail(n) : passDetail,
      examples: bad.map((r) => ({ ts: r.ts, reason: reason(r) })),
    });
  };

  add(
    'monotonic',
    await rows(
      'SELECT CAST(ts AS DOUBLE) AS ts, CAST(prev AS DOUBLE) AS prev, CAST(count(*) OVER () AS ' +
        `INTEGER) AS total FROM (${lagged}) WHERE prev >= ts ORDER BY ts LIMIT ${MAX_EXAMPLES}`,
    ),
    (n) => `${n} bars do not come after the bar before them in time order`,
    'timestamps strictly increase',
    (r) => `not after the previous bar at ${isoTime(r.prev as number)}`,
  );
  add(
    'duplicates',
    await rows(
      'SELECT CAST(ts AS DOUBLE) AS ts, CAST(c AS INTEGER) AS c, CAST(count(*) OVER () ' +
        'AS INTEGER) AS total FROM (SELECT ts, count(*) AS c FROM candles WHERE ' +
        `${where} GROUP BY ts HAVING count(*) > 1) ORDER BY ts LIMIT ${MAX_EXAMPLES}`,
    ),
    (n) => `${n} timestamps are stored more than once`,
    'no timestamp is stored twice',
    (r) => `${r.c} bars share this timestamp`,
  );
  const shift = tfMs % WEEK_MS === 0 ? 4 * DAY_MS : 0;
  add(
    'alignment',
    await offenders(`(ts - ${shift}) % ${tfMs} <> 0`),
    (n) => `${n} bars do not open on the ${q.tf} grid${shift ? ' (weeks start Monday 00:00 UTC)' : ''}`,
    `every bar opens on the ${q.tf} grid`,
    (r) => `expected ${isoTime(bucketStart(r.ts, tfMs))} or ${isoTime(bucketStart(r.ts, tfMs) + tfMs)}`,
  );

  // Gaps between consecutive stored bars, judged in JS by the calendar (gaps are few).
  const gapRows = await rows(
    'SELECT CAST(ts AS DOUBLE) AS ts, CAST(prev AS DOUBLE) AS prev, 0 AS ' +
      `total FROM (${lagged}) WHERE ts - prev > ${tfMs} ORDER BY ts`,
  );
  let gapBars = 0;
  let gapCount = 0;
  let weekends = 0;
  let holidays = 0;
  const gapExamples: PreflightCheck['examples'] = [];
  for (const g of gapRows) {
    const from = (g.prev as number) + tfMs;
    const d = disallowed(from, g.ts, tfMs, calendar);
    if (d.bad === 0) {
      if (d.holiday) holidays++;
      else weekends++;
      continue;
    }
    gapCount++;
    gapBars += d.bad;
    if (gapExamples.length < MAX_EXAMPLES) {
      gapExamples.push({
        ts: from,
        reason:
          `${d.missing} bars missing from ${isoTime(from)} to ${isoTime(g.ts - tfMs)} ` +
          `(previous bar ${isoTime(g.prev as number)}, next ${isoTime(g.ts)})`,
      });
    }
  }
  const allowedNote =
    calendar === 'weekdays'
      ? `; ${weekends} weekend and ${holidays} holiday closures allowed by calendar weekdays`
      : '';
  checks.push({
    name: 'gaps',
    status: gapCount > 0 ? 'fail' : 'pass',
    count: gapBars,
    detail:
      gapCount > 0
        ? `${gapCount} gaps, ${gapBars} ${q.tf} bars missing (calendar ${calendar})${allowedNote}`
        : `no gaps (calendar ${calendar})${allowedNote}`,
    examples: gapExamples,
  });

  const finite = 'isfinite(open) AND isfinite(high) AND isfinite(low) AND isfinite(close)';
  add(
    'ohlc',
    await offenders(
      `${finite} AND (high < greatest(open, close) OR low > least(open, close) OR high < low)`,
      ', open, high, low, close, repaired',
    ),
    (n) =>
      `${n} bars have inconsistent OHLC (high below max(open, close), low above min(open, close) or high below low)`,
    'every bar has low <= open, close <= high',
    (r) => ohlcReason(r),
  );
  add(
    'repaired',
    await offenders('repaired', ', open, high, low, close'),
    (n) => `${n} bars had inconsistent OHLC in the source file; import widened high/low to contain open and close`,
    'no bar was repaired on import',
    (r) => `widened on import to open ${r.open} high ${r.high} low ${r.low} close ${r.close}`,
    'warn',
  );
  add(
    'prices',
    await offenders(
      'NOT (isfinite(open) AND isfinite(high) AND isfinite(low) AND isfinite(close) ' +
        'AND isfinite(volume)) OR least(open, high, low, close) <= 0 OR volume < 0',
      ', open, high, low, close, volume',
    ),
    (n) => `${n} bars have a non-positive or non-finite price, or a negative or non-finite volume`,
    'prices positive and finite, volume finite and not negative',
    (r) => priceReason(r),
  );

  checks.push(await coverage(store, q, tfMs, calendar, warmup, warmHave, bars, first, last));
  return { ok: checks.every((c) => c.status !== 'fail'), symbol: q.symbol, tf: q.tf, bars, first, last, checks };
}

function ohlcReason(r: Rows): string {
  const o = r.open as number,
    h = r.high as number,
    l = r.low as number,
    c = r.close as number;
  const why: string[] = [];
  if (h < Math.max(o, c)) why.push(`high ${h} < max(open, close) ${Math.max(o, c)}`);
  if (l > Math.min(o, c)) why.push(`low ${l} > min(open, close) ${Math.min(o, c)}`);
  if (h < l) why.push(`high ${h} < low ${l}`);
  return `${why.join('; ')} (open ${o} high ${h} low ${l} close ${c})`;
}

function priceReason(r: Rows): string {
  const why: string[] = [];
  for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
    const v = r[k] as number | string | null;
    const num = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(num)) why.push(`${k} ${v}`);
    else if (k === 'volume' ? num < 0 : num <= 0) why.push(`${k} ${num}`);
  }
  return why.join(', ');
}

async function coverage(
  store: CandleStore,
  q: PreflightQuery,
  tfMs: number,
  calendar: MarketCalendar,
  warmup: number,
  warmHave: number,
  bars: number,
  first: number | null,
  last: number | null,
): Promise<PreflightCheck> {
  const examples: PreflightCheck['examples'] = [];
  const window =
    q.from === undefined && q.to === undefined
      ? 'all stored bars'
      : `${q.from !== undefined ? isoTime(q.from) : 'start'} .. ${q.to !== undefined ? isoTime(q.to) : 'end'}`;
  if (bars === 0 || first === null || last === null) {
    const stored = await store.all<{ symbol: string; tf: string }>(
      'SELECT DISTINCT symbol, tf FROM candles ORDER BY symbol, tf',
    );
    const tfs = stored.filter((s) => s.symbol === q.symbol).map((s) => s.tf);
    const hint =
      tfs.length > 0
        ? `; ${q.symbol} is stored as ${tfs.join(', ')}${suggestion(q.tf, tfs)}`
        : stored.length > 0
          ? `; no ${q.symbol} candles at all${suggestion(q.symbol, new Set(stored.map((s) => s.symbol)))}`
          : '; the store holds no candles';
    return {
      name: 'coverage',
      status: 'fail',
      count: 0,
      detail: `no ${q.symbol} ${q.tf} candles in ${window}${hint}`,
      examples,
    };
  }
  let missing = 0;
  const parts: string[] = [];
  const grid = (ts: number) => {
    const b = bucketStart(ts, tfMs);
    return b < ts ? b + tfMs : b;
  };
  if (q.from !== undefined) {
    const windowFirst = warmup > 0 && warmHave > 0 ? await firstAtOrAfter(store, q, q.from) : first;
    const expect = grid(q.from);
    if (windowFirst === null) {
      const n = q.to !== undefined ? Math.max(1, disallowed(expect, grid(q.to), tfMs, calendar).bad) : 1;
      const detail =
        `window ${window} not covered: no bars in the window ` +
        `itself, only ${bars} warm-up bars before ${isoTime(q.from)}`;
      return {
        name: 'coverage',
        status: 'fail',
        count: n,
        detail,
        examples: [{ ts: expect, reason: 'the window holds no bars' }],
      };
    }
    const d = disallowed(expect, windowFirst, tfMs, calendar);
    if (d.bad > 0) {
      missing += d.bad;
      parts.push(
        `${d.bad} bars missing at the start: the window starts ` +
          `${isoTime(expect)}, the first stored bar is ${isoTime(windowFirst)}`,
      );
      examples.push({
        ts: expect,
        reason: `${d.bad} bars missing before the first stored bar ${isoTime(windowFirst)}`,
      });
    }
    if (warmHave < warmup) {
      const need = warmup - warmHave;
      missing += need;
      const before = warmHave > 0 ? first : windowFirst;
      parts.push(
        `${need} of ${warmup} warm-up bars missing before ${isoTime(before)} ` +
          `(needed from about ${isoTime(grid(q.from) - warmup * tfMs)})`,
      );
      examples.push({ ts: before, reason: `${need} warm-up bars missing before this bar` });
    }
  } else if (warmup > 0 && bars <= warmup) {
    missing += warmup - bars + 1;
    parts.push(`only ${bars} bars, but the warm-up alone needs ${warmup}`);
    examples.push({ ts: first, reason: `warm-up needs ${warmup} bars before the first usable bar` });
  }
  if (q.to !== undefined) {
    const lastExpected = grid(q.to) - tfMs;
    const d = disallowed(last + tfMs, lastExpected + tfMs, tfMs, calendar);
    if (d.bad > 0) {
      missing += d.bad;
      parts.push(
        `${d.bad} bars missing at the end: the last stored bar is ` +
          `${isoTime(last)}, the window's last bar is ${isoTime(lastExpected)}`,
      );
      examples.push({ ts: last + tfMs, reason: `${d.bad} bars missing from here to ${isoTime(lastExpected)}` });
    }
  }
  const span =
    `${bars.toLocaleString('en-US')} bars ${isoTime(first)} .. ` +
    `${isoTime(last)}${warmup > 0 ? ` (with ${Math.min(warmup, warmHave)} warm-up bars)` : ''}`;
  return missing > 0
    ? {
        name: 'coverage',
        status: 'fail',
        count: missing,
        detail: `window ${window} not covered: ${parts.join('; ')}`,
        examples,
      }
    : {
        name: 'coverage',
        status: 'pass',
        count: 0,
        detail: q.from === undefined && q.to === undefined ? span : `window ${window} covered: ${span}`,
        examples,
      };
}

async function firstAtOrAfter(store: CandleStore, q: PreflightQuery, ts: number): Promise<number | null> {
  const r = await store.all<{ t: number | null }>(
    'SELECT CAST(min(ts) AS DOUBLE) AS t FROM candles WHERE symbol = $symbol ' +
      `AND tf = $tf AND ts >= $ts${q.to !== undefined ? ' AND ts < $hi' : ''}`,
    {
      symbol: q.symbol,
      tf: q.tf,
      ts: BigInt(Math.ceil(ts)),
      ...(q.to !== undefined ? { hi: BigInt(Math.ceil(q.to)) } : {}),
    },
  );
  return r[0].t;
}
