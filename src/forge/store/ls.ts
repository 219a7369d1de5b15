import { ForgeError, suggestion } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import fs from 'node:fs';
import { writeFileAtomic } from '../atomic.js';
import { isoUtc } from './rows.js';
import { candleMarkPath, summaryPath, withStore, type CandleStore } from './store.js';

// `forge data ls`: what the store holds, one row per symbol and timeframe. Read-only. DuckDB lets no
// reader in while another process writes, so every candle write also leaves a summary beside the
// store file (atomically, after its commit), and `data ls` shows that snapshot, saying so, while a
// writer holds the store: a long import never makes the read-only commands fail.

export interface StoredSeries {
  symbol: string;
  tf: string;
  bars: number;
  first: string;
  last: string;
  sources: string[];
  repaired: number;
  calendar: string;
}

interface Summary {
  readonly at: string;
  readonly series: StoredSeries[];
}

/** Every stored series, as of now, through an open store (read-only or the writer's own connection). */
async function summarise(store: CandleStore): Promise<StoredSeries[]> {
  const rows = await store.all<{
    symbol: string;
    tf: string;
    bars: number;
    first: number;
    last: number;
    sources: string[];
    repaired: number;
    calendar: string | null;
  }>(
    `SELECT c.symbol, c.tf, CAST(count(*) AS DOUBLE) AS bars,
            CAST(min(c.ts) AS DOUBLE) AS first, CAST(max(c.ts) AS DOUBLE) AS last,
            list_sort(list(DISTINCT c.source)) AS sources,
            CAST(count(*) FILTER (WHERE c.repaired) AS DOUBLE) AS repaired,
            any_value(s.calendar) AS calendar
     FROM candles c LEFT JOIN symbols s ON s.symbol = c.symbol
     GROUP BY c.symbol, c.tf`,
  );
  return rows
    .map((r) => ({
      symbol: r.symbol,
      tf: r.tf,
      bars: r.bars,
      first: isoUtc(r.first),
      last: isoUtc(r.last),
      sources: r.sources,
      repaired: r.repaired,
      calendar: r.calendar ?? '24x7',
    }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : tfOrder(a.tf) - tfOrder(b.tf)));
}

/** A candle write: `fn` in one transaction, then the summary the read-only commands use while others write. */
export async function candleTransaction<T>(store: CandleStore, fn: (s: CandleStore) => Promise<T>): Promise<T> {
  const out = await store.transaction(fn);
  writeFileAtomic(
    summaryPath(store.path),
    JSON.stringify({ at: new Date().toISOString(), series: await summarise(store) } satisfies Summary) + '\n',
  );
  return out;
}

/**
 * The series (symbol, tf) as the summary beside the store file last recorded them, or undefined when
 * the summary cannot be trusted: missing, unreadable, or older than the last candle write's start
 * (candleMarkPath). Reads files only: no DuckDB, no lock.
 */
export function summarisedSeries(storePath: string): StoredSeries[] | undefined {
  try {
    const mark = fs.statSync(candleMarkPath(storePath)).mtimeMs;
    const file = summaryPath(storePath);
    if (fs.statSync(file).mtimeMs < mark) return undefined;
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as Summary).series;
  } catch {
    return undefined;
  }
}

export interface Listing {
  readonly series: StoredSeries[];
  /** Set when another process was writing: the series are the summary its last write left, as of this time. */
  readonly snapshotAt?: string;
  readonly busy?: string;
}

export async function listStored(storePath: string, symbol?: string): Promise<Listing> {
  let series: StoredSeries[];
  let snapshot: Pick<Listing, 'snapshotAt' | 'busy'> = {};
  try {
    series = await withStore(storePath, { readOnly: true }, summarise);
  } catch (err) {
    const file = summaryPath(storePath);
    if (!(err instanceof ForgeError && err.code === 'E_STORE_LOCKED') || !fs.existsSync(file)) throw err;
    const summary = JSON.parse(fs.readFileSync(file, 'utf8')) as Summary;
    series = summary.series;
    snapshot = { snapshotAt: summary.at, busy: err.message };
  }
  if (symbol !== undefined) {
    const known = [...new Set(series.map((r) => r.symbol))];
    series = series.filter((r) => r.symbol === symbol);
    if (series.length === 0) {
      throw new ForgeError(
        `--symbol: the store has no candles for '${symbol}'${suggestion(symbol, known)}`,
        known.length > 0
          ? `stored symbols: ${known.sort().join(', ')}`
          : 'import candles with `forge data import FILE --symbol S --tf 1h`',
        'E_NO_SYMBOL',
      );
    }
  }
  return { series, ...snapshot };
}

function tfOrder(tf: string): number {
  try {
    return timeframeMs(tf);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}
