import { ForgeError } from '../../engine/errors.js';
import { COMMON_TIMEFRAMES, timeframeMs } from '../../engine/timeframe.js';
import type { CandleStore } from './store.js';
import { upsertCandles } from './write.js';
import { candleTransaction } from './ls.js';

// Higher timeframes derived from a stored lower one, in DuckDB. A target bucket is kept only when it
// is complete: it holds exactly targetMs / baseMs base bars, all on the base grid. A partial bucket
// (a gap, the ragged ends of the data) would give a bar whose open, high, low or volume is wrong, so it
// is dropped rather than guessed. Buckets are epoch-aligned; weekly ones start Monday 00:00 UTC,
// matching bucketStart in src/engine/timeframe.ts.

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export const derivedSource = (baseTf: string): string => `derived:${baseTf}`;

/**
 * SELECT ts, open, high, low, close, volume of complete targetTf buckets
 * from stored baseTf bars, ordered by ts; window on bucket start [from, to).
 */
export function resampleSql(
  symbol: string,
  baseTf: string,
  targetTf: string,
  window?: { from?: number; to?: number },
): { sql: string; params: (string | number | bigint)[] } {
  return buildResample(symbol, baseTf, targetTf, window, false);
}

function buildResample(
  symbol: string,
  baseTf: string,
  targetTf: string,
  window: { from?: number; to?: number } | undefined,
  withRepaired: boolean,
): { sql: string; params: (string | number | bigint)[] } {
  const baseMs = timeframeMs(baseTf, 'from-tf');
  const targetMs = timeframeMs(targetTf, 'to-tf');
  if (targetMs < baseMs || targetMs % baseMs !== 0) {
    const multiples = COMMON_TIMEFRAMES.filter((t) => timeframeMs(t) > baseMs && timeframeMs(t) % baseMs === 0);
    throw new ForgeError(
      `to-tf: ${targetTf} is not a whole multiple of from-tf ${baseTf}, ` +
        `so its bars cannot be built from ${baseTf} bars`,
      `pick a --to-tf that is a whole multiple of ${baseTf}: ${multiples.join(', ') || 'a longer timeframe'}`,
      'E_RESAMPLE_TF',
    );
  }
  const shift = targetMs % WEEK_MS === 0 ? 4 * DAY_MS : 0;
  const baseShift = baseMs % WEEK_MS === 0 ? 4 * DAY_MS : 0;
  if ((shift - baseShift) % baseMs !== 0) {
    throw new ForgeError(
      `to-tf: ${targetTf} buckets start on Monday 00:00 UTC, which is not on the ${baseTf} grid`,
      `resample from a timeframe that divides a day, such as 1h, 4h or 1d`,
      'E_RESAMPLE_TF',
    );
  }
  const per = targetMs / baseMs;
  const params: (string | number | bigint)[] = [symbol, baseTf];
  let range = '';
  if (window?.from !== undefined) {
    params.push(BigInt(Math.ceil(window.from)));
    range += ` AND ts >= $${params.length}`;
  }
  if (window?.to !== undefined) {
    // A bucket starting before `to` may hold base bars up to one target bar later.
    params.push(BigInt(Math.ceil(window.to)));
    range += ` AND ts < $${params.length} + ${targetMs}`;
  }
  let bucketRange = '';
  if (window?.from !== undefined) bucketRange += ` AND bucket >= $3`;
  if (window?.to !== undefined) bucketRange += ` AND bucket < $${params.length}`;
  // Floor division that also holds for times before 1970: ((x % m) + m) % m.
  const repairedColumn = withRepaired ? ', bool_or(repaired) AS repaired' : '';
  const sql = `
    SELECT CAST(bucket AS BIGINT) AS ts,
           arg_min(open, ts) AS open, max(high) AS high, min(low) AS low, arg_max(close, ts) AS close,
           sum(volume) AS volume${repairedColumn}
    FROM (
      SELECT ts, open, high, low, close, volume, repaired,
             ts - (((ts - ${shift}) % ${targetMs}) + ${targetMs}) % ${targetMs} AS bucket
      FROM candles
      WHERE symbol = $1 AND tf = $2 AND (((ts - ${baseShift}) % ${baseMs}) + ${baseMs}) % ${baseMs} = 0${range}
    )
    WHERE true${bucketRange}
    GROUP BY bucket
    HAVING count(*) = ${per}
    ORDER BY bucket`;
  return { sql, params };
}

/**
 * Stores the complete targetTf buckets of symbol's baseTf bars as tf targetTf, source 'derived:<baseTf>',
 * in one transaction. Refuses when the target already holds bars that were not derived (imported or
 * synthetic ones), since a derived bar must never overwrite real data.
 */
export async function storeResampled(
  store: CandleStore,
  o: { symbol: string; baseTf: string; targetTf: string; from?: number; to?: number },
): Promise<{ bars: number; inserted: number; updated: number; unchanged: number; baseBars: number }> {
  const { sql, params } = buildResample(o.symbol, o.baseTf, o.targetTf, { from: o.from, to: o.to }, true);
  if (o.baseTf === o.targetTf)
    throw new ForgeError(
      `to-tf: ${o.targetTf} is the same as from-tf`,
      'pick a longer target timeframe',
      'E_RESAMPLE_TF',
    );
  return candleTransaction(store, async (s) => {
    const base = await s.all<{ n: number }>(
      'SELECT CAST(count(*) AS INTEGER) AS n FROM candles WHERE symbol = $1 AND tf = $2',
      [o.symbol, o.baseTf],
    );
    if (base[0].n === 0) {
      throw new ForgeError(
        `no ${o.symbol} ${o.baseTf} candles in the store to resample`,
        `import them first: forge data import FILE --symbol ${o.symbol} --tf ${o.baseTf}`,
        'E_RESAMPLE_EMPTY',
      );
    }
    const reader = await s.connection.runAndReadAll(
      `SELECT CAST(ts AS DOUBLE) AS ts, open, high, low, close, volume, CAST(repaired AS DOUBLE) FROM (${sql})`,
      params,
    );
    const cols = reader.getColumnsJS() as number[][];
    const n = reader.currentRowCount;
    const ts = Float64Array.from(cols[0]);
    if (n > 0) {
      const clash = await s.all<{ n: number; source: string | null }>(
        `SELECT CAST(count(*) AS INTEGER) AS n, min(source) AS source FROM candles
         WHERE symbol = $1 AND tf = $2 AND ts >= $3 AND ts <= $4 AND source NOT LIKE 'derived:%'`,
        [o.symbol, o.targetTf, BigInt(ts[0]), BigInt(ts[n - 1])],
      );
      if (clash[0].n > 0) {
        throw new ForgeError(
          `${o.symbol} ${o.targetTf} already holds ${clash[0].n} bars from ${clash[0].source} ` +
            'in that span; derived bars never overwrite imported or synthetic ones',
          `resample into another window (--from/--to), or use the stored ${o.targetTf} bars as they are`,
          'E_RESAMPLE_CLASH',
        );
      }
    }
    const counts = await upsertCandles(s, {
      symbol: o.symbol,
      tf: o.targetTf,
      source: derivedSource(o.baseTf),
      ts,
      open: Float64Array.from(cols[1]),
      high: Float64Array.from(cols[2]),
      low: Float64Array.from(cols[3]),
      close: Float64Array.from(cols[4]),
      volume: Float64Array.from(cols[5]),
      // A bucket holding a bar that import widened is itself marked repaired, so preflight still names it.
      repaired: Uint8Array.from(cols[6]),
    });
    return { bars: n, baseBars: base[0].n, ...counts };
  });
}
