import type { DuckDBResultReader } from '@duckdb/node-api';
import { ForgeError } from '../../engine/errors.js';
import { allocRaw, checkValues, emptyFile, layoutFromNames, pushRow, type RawCandles } from './csv.js';
import { readTimeCell, TIME_FIX, type TimeCell } from './timestamps.js';

// Parquet candle files to the same raw columns as CSV, read by a private in-memory DuckDB (it reads
// any standard Parquet, whoever wrote it). Rows are numbered from 1 in file order for messages.

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function readCandleParquet(file: string): Promise<RawCandles> {
  // Loaded here, not at module load: see store.ts.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    let described: DuckDBResultReader;
    try {
      described = await conn.runAndReadAll('DESCRIBE SELECT * FROM read_parquet($file)', { file });
    } catch (err) {
      throw new ForgeError(
        `${file}: not a readable Parquet file (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
        'check the path; candle files are CSV (.csv) or Parquet (.parquet)',
        'E_PARQUET',
      );
    }
    const cols = described.getRowObjectsJS() as { column_name: string; column_type: string }[];
    const names = cols.map((c) => c.column_name);
    const layout = layoutFromNames(names, `${file} (columns)`, true);
    const timeName = names[layout.time];
    const timeType = cols[layout.time].column_type.toUpperCase();
    let timeExpr: string;
    let timeKind: 'ms' | 'number' | 'string';
    const t = quoteIdent(timeName);
    if (timeType.startsWith('TIMESTAMP')) {
      timeExpr = `CAST(epoch_ms(${t}) AS DOUBLE)`;
      timeKind = 'ms';
    } else if (timeType === 'DATE') {
      timeExpr = `CAST(epoch_ms(CAST(${t} AS TIMESTAMP)) AS DOUBLE)`;
      timeKind = 'ms';
    } else if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DOUBLE|FLOAT|DECIMAL.*)$/.test(timeType)) {
      timeExpr = `CAST(${t} AS DOUBLE)`;
      timeKind = 'number';
    } else if (timeType === 'VARCHAR') {
      timeExpr = t;
      timeKind = 'string';
    } else {
      throw new ForgeError(
        `${file}: time column '${timeName}' has type ${timeType}`,
        'store bar times as TIMESTAMP, TIMESTAMPTZ, DATE, an integer unix time or an ISO string',
        'E_PARQUET',
      );
    }
    const num = (i: number) => `TRY_CAST(${quoteIdent(names[i])} AS DOUBLE)`;
    const reader = await conn.runAndReadAll(
      `SELECT ${timeExpr}, ${num(layout.open)}, ${num(layout.high)}, ${num(layout.low)},
              ${num(layout.close)}, ${num(layout.volume)}
       FROM read_parquet($file)`,
      { file },
    );
    const columns = reader.getColumnsJS();
    const rows = reader.currentRowCount;
    if (rows === 0) throw emptyFile(file);
    const raw = allocRaw(rows, `parquet columns ${names.join(',')}`, 'row');
    raw.rowsRead = rows;
    const [tc, oc, hc, lc, cc, vc] = columns as unknown as (number | string | null)[][];
    const cell: TimeCell = { ms: NaN, format: undefined, why: '' };
    for (let i = 0; i < rows; i++) {
      const row = i + 1;
      const tv = tc[i];
      if (tv === null) {
        raw.bad.push({ line: row, reason: `${timeName} is null`, fix: 'every row needs a bar time' });
        continue;
      }
      if (timeKind !== 'ms') readTimeCell(String(tv), raw.timeFormat, cell);
      else {
        cell.ms = tv as number;
        cell.format = 'unix-ms';
        cell.why = '';
      }
      if (cell.ms !== cell.ms) {
        raw.bad.push({ line: row, reason: cell.why, fix: TIME_FIX });
        continue;
      }
      const o = nz(oc[i]),
        h = nz(hc[i]),
        l = nz(lc[i]),
        c = nz(cc[i]),
        v = nz(vc[i]);
      const why = checkValues(o, h, l, c, v, null, null);
      if (why === '' && raw.timeFormat === undefined && timeKind !== 'ms') raw.timeFormat = cell.format;
      pushRow(raw, row, cell.ms, o, h, l, c, v, why);
    }
    return raw;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function nz(v: number | string | null): number {
  return v === null ? NaN : (v as number);
}
