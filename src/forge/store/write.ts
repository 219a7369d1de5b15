import type { DuckDBDoubleVector } from '@duckdb/node-api';
import fs from 'node:fs';
import { candleMarkPath, type CandleStore } from './store.js';

// The one bulk write path into `candles`, shared by import and synth. Rows go through DuckDB data
// chunks (a few native calls per 2048 rows instead of seven per row) into a temp table, and one
// INSERT ... ON CONFLICT merges them; the counts come from comparing the staged rows with what the
// store held before.

export interface CandleColumns {
  readonly symbol: string;
  readonly tf: string;
  readonly source: string;
  /** Bar open times, epoch milliseconds UTC, strictly increasing, no duplicates. */
  readonly ts: Float64Array | number[];
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** 1 where high/low were widened on import; absent = none repaired. */
  readonly repaired?: Uint8Array;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

const STAGE = 'forge_stage_candles';

/** Must run inside `store.transaction`: the staging table and the merge are one unit with the caller's other writes. */
export async function upsertCandles(store: CandleStore, c: CandleColumns): Promise<UpsertCounts> {
  store.assertWritable();
  const n = c.ts.length;
  for (const [name, col] of [
    ['open', c.open],
    ['high', c.high],
    ['low', c.low],
    ['close', c.close],
    ['volume', c.volume],
  ] as const) {
    if (col.length !== n) throw new Error(`internal: upsertCandles column ${name} has ${col.length} rows, ts has ${n}`);
  }
  if (c.repaired && c.repaired.length !== n)
    throw new Error(`internal: upsertCandles repaired has ${c.repaired.length} rows, ts has ${n}`);
  if (n === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  // Before anything changes: the summary beside the store (ls.ts) is trusted only when it is newer than
  // this mark, i.e. rewritten after this write committed (candleTransaction does it).
  fs.writeFileSync(candleMarkPath(store.path), `${new Date().toISOString()}\n`);

  const conn = store.connection;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${STAGE} (ts DOUBLE, open DOUBLE, high ` +
      'DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, repaired DOUBLE)',
  );
  try {
    await stage(store, c, n);
    const dup = await store.all<{ d: number }>(
      `SELECT CAST(count(*) - count(DISTINCT ts) AS INTEGER) AS d FROM temp.main.${STAGE}`,
    );
    if (dup[0].d > 0)
      throw new Error(`internal: upsertCandles got ${dup[0].d} duplicate timestamps for ${c.symbol} ${c.tf}`);

    const params = { symbol: c.symbol, tf: c.tf, source: c.source };
    // Same bar = same values, same source and same repaired flag; anything else is an update.
    const counts = await store.all<{ inserted: number; updated: number; unchanged: number }>(
      `SELECT
         CAST(count(*) FILTER (WHERE k.ts IS NULL) AS INTEGER) AS inserted,
         CAST(count(*) FILTER (WHERE k.ts IS NOT NULL AND NOT same) AS INTEGER) AS updated,
         CAST(count(*) FILTER (WHERE k.ts IS NOT NULL AND same) AS INTEGER) AS unchanged
       FROM (
         SELECT k.ts,
           (k.open = s.open AND k.high = s.high AND k.low = s.low AND k.close = s.close AND k.volume = s.volume
             AND k.source = $source AND k.repaired = (s.repaired <> 0)) AS same
         FROM temp.main.${STAGE} s
         LEFT JOIN candles k ON k.symbol = $symbol AND k.tf = $tf AND k.ts = CAST(s.ts AS BIGINT)
       ) k`,
      params,
    );
    await store.run(
      `INSERT INTO candles (symbol, tf, ts, open, high, low, close, volume, source, repaired)
       SELECT $symbol, $tf, CAST(ts AS BIGINT), open, high, low, close, volume, $source, repaired <> 0
       FROM temp.main.${STAGE}
       ON CONFLICT (symbol, tf, ts) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, source = excluded.source, repaired = excluded.repaired
       WHERE candles.open <> excluded.open OR candles.high <> excluded.high OR candles.low <> excluded.low
         OR candles.close <> excluded.close OR candles.volume <> excluded.volume
         OR candles.source <> excluded.source OR candles.repaired <> excluded.repaired`,
      params,
    );
    return { inserted: counts[0].inserted, updated: counts[0].updated, unchanged: counts[0].unchanged };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS temp.main.${STAGE}`);
  }
}

async function stage(store: CandleStore, c: CandleColumns, n: number): Promise<void> {
  // Loaded here, not at module load: see store.ts (a search's process never maps libduckdb).
  const { DOUBLE, DuckDBDataChunk } = await import('@duckdb/node-api');
  const appender = await store.connection.createAppender(STAGE, 'main', 'temp');
  try {
    const cols: ArrayLike<number>[] = [c.ts, c.open, c.high, c.low, c.close, c.volume, c.repaired ?? new Uint8Array(n)];
    const chunkRows = 2048; // DuckDB's vector size: the most rows a data chunk holds
    for (let start = 0; start < n; start += chunkRows) {
      const rows = Math.min(chunkRows, n - start);
      const chunk = DuckDBDataChunk.create(
        cols.map(() => DOUBLE),
        rows,
      );
      for (let j = 0; j < cols.length; j++) {
        const vec = chunk.getColumnVector(j) as DuckDBDoubleVector;
        const src = cols[j];
        for (let i = 0; i < rows; i++) vec.setItem(i, src[start + i]);
        vec.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
