import fs from 'node:fs';
import path from 'node:path';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import { parseCandleCsv, type BadRow, type RawCandles } from './csv.js';
import { readCandleParquet } from './parquet-input.js';
import {
  badRowsError,
  checkRows,
  isoUtc,
  OHLC_POLICIES,
  type CheckedCandles,
  type OhlcPolicy,
  type Repair,
} from './rows.js';
import { CandleStore } from './store.js';
import { describeFormat } from './timestamps.js';
import { upsertCandles } from './write.js';
import { checkSpacing, describeGap, detectTimeframe, gapsError, longGaps } from './spacing.js';
import { candleTransaction } from './ls.js';

// `forge data import`: read and check the whole file first (nothing touches the store until every
// line has passed or been explicitly skipped), then write everything in one transaction.

export type Calendar = '24x7' | 'weekdays';
export const CALENDARS: readonly Calendar[] = ['24x7', 'weekdays'];

export interface ImportOptions {
  readonly file: string;
  readonly symbol: string;
  /** A timeframe, or 'auto': detected from the bar spacing. */
  readonly tf: string;
  /** What the store records as the rows' source; default: the file's name. */
  readonly source?: string;
  readonly skipBad?: boolean;
  readonly ohlc?: OhlcPolicy;
  /** Absent: keep the symbol's recorded calendar (24x7 for a new symbol). */
  readonly calendar?: Calendar;
}

export interface ImportReport {
  file: string;
  source: string;
  symbol: string;
  tf: string;
  format: 'csv' | 'parquet' | 'zip';
  layout: string;
  timeFormat: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Lines left out under --skip-bad, with their reasons. */
  skipped: BadRow[];
  repaired: Repair[];
  /** Lines of inconsistent bars stored as they are (--ohlc keep). */
  keptInconsistent: number[];
  replacedSynthetic: number;
  calendar: Calendar;
  /** Holes of MAX_GAP_BARS or more bars imported anyway under --skip-bad. */
  gaps: string[];
  /** --tf auto: the timeframe read from the bar spacing. */
  tfDetected: boolean;
  first: string;
  last: string;
  ohlc: OhlcPolicy;
}

export interface ReadCandles {
  readonly format: 'csv' | 'parquet' | 'zip';
  readonly raw: RawCandles;
  readonly checked: CheckedCandles;
  /** The timeframe the rows were checked against (--tf, or detected under --tf auto). */
  readonly tf: string;
}

export function validateImportOptions(opts: ImportOptions): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(opts.symbol)) {
    throw new ForgeError(
      `--symbol: '${opts.symbol}' is not a symbol name`,
      'use letters, digits, dot, dash or underscore, e.g. BTCUSDT',
      'E_ARG',
    );
  }
  if (opts.tf !== 'auto') timeframeMs(opts.tf, '--tf');
  if (opts.ohlc !== undefined && !OHLC_POLICIES.includes(opts.ohlc)) {
    throw new ForgeError(
      `--ohlc: '${opts.ohlc}' is not a policy${suggestion(opts.ohlc, OHLC_POLICIES)}`,
      `use one of ${OHLC_POLICIES.join(', ')}`,
      'E_ARG',
    );
  }
  if (opts.calendar !== undefined && !CALENDARS.includes(opts.calendar)) {
    throw new ForgeError(
      `--calendar: '${opts.calendar}' is not a calendar${suggestion(opts.calendar, CALENDARS)}`,
      `use one of ${CALENDARS.join(', ')}`,
      'E_ARG',
    );
  }
}

/** Parses and checks the file; throws on the first bad line unless `skipBad`. Touches no store. */
export async function readCandles(opts: ImportOptions): Promise<ReadCandles> {
  validateImportOptions(opts);
  const { file } = opts;
  const format = inputFormat(file);
  const raw =
    format === 'parquet' ? await readCandleParquet(file) : parseCandleCsv(fs.readFileSync(file, 'utf8'), file);
  return checkRead(raw, opts, format);
}

/** The checks of every input once parsed: timeframe against bar spacing, then each row. */
export function checkRead(raw: RawCandles, opts: ImportOptions, format: ReadCandles['format']): ReadCandles {
  const { file } = opts;
  const tf = opts.tf === 'auto' ? detectTimeframe(file, raw.ts, raw.n) : opts.tf;
  checkSpacing(file, tf, raw.ts, raw.n);
  const checked = checkRows(raw, tf, opts.ohlc ?? 'repair');
  if (checked.bad.length > 0 && !opts.skipBad) throw badRowsError(file, raw.unit, checked.bad);
  if (checked.n === 0) {
    throw new ForgeError(
      `${file}: none of its ${raw.rowsRead} data ${raw.unit}s can be imported ` +
        `(first: ${raw.unit} ${checked.bad[0]?.line}: ${checked.bad[0]?.reason})`,
      checked.bad[0]?.fix ?? 'check the file',
      'E_EMPTY_FILE',
    );
  }
  return { format, raw, checked, tf };
}

/** Writes checked candles in one transaction: synthetic rows of the symbol/tf go, real rows merge in. */
export async function storeCandles(store: CandleStore, opts: ImportOptions, read: ReadCandles): Promise<ImportReport> {
  const source = opts.source ?? path.basename(opts.file);
  const { checked, raw, tf } = read;
  return candleTransaction(store, async (s) => {
    const known = await s.all<{ calendar: Calendar }>(`SELECT calendar FROM symbols WHERE symbol = $symbol`, {
      symbol: opts.symbol,
    });
    const calendar = opts.calendar ?? known[0]?.calendar ?? '24x7';
    const gaps = longGaps(checked.ts, checked.n, tf, calendar);
    if (gaps.length > 0 && !opts.skipBad) throw gapsError(opts.file, tf, calendar, gaps);
    const syn = await s.all<{ n: number }>(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM candles WHERE symbol = $symbol AND tf = $tf AND source = 'synthetic'`,
      { symbol: opts.symbol, tf },
    );
    const replacedSynthetic = syn[0].n;
    if (replacedSynthetic > 0 && source !== 'synthetic') {
      await s.run(`DELETE FROM candles WHERE symbol = $symbol AND tf = $tf AND source = 'synthetic'`, {
        symbol: opts.symbol,
        tf,
      });
    }
    const counts = await upsertCandles(s, {
      symbol: opts.symbol,
      tf,
      source,
      ts: checked.ts,
      open: checked.open,
      high: checked.high,
      low: checked.low,
      close: checked.close,
      volume: checked.volume,
      repaired: checked.repaired,
    });
    if (opts.calendar !== undefined) {
      await s.run(
        'INSERT INTO symbols (symbol, calendar) VALUES ($symbol, $calendar) ' +
          'ON CONFLICT (symbol) DO UPDATE SET calendar = excluded.calendar',
        { symbol: opts.symbol, calendar: opts.calendar },
      );
    } else {
      await s.run(`INSERT INTO symbols (symbol, calendar) VALUES ($symbol, '24x7') ON CONFLICT (symbol) DO NOTHING`, {
        symbol: opts.symbol,
      });
    }
    const cal = await s.all<{ calendar: Calendar }>(`SELECT calendar FROM symbols WHERE symbol = $symbol`, {
      symbol: opts.symbol,
    });
    return {
      file: opts.file,
      source,
      symbol: opts.symbol,
      tf,
      format: read.format,
      layout: raw.layout,
      timeFormat: raw.timeFormat ? describeFormat(raw.timeFormat) : 'native timestamps',
      rowsRead: raw.rowsRead,
      ...counts,
      skipped: checked.bad,
      repaired: checked.repairs,
      keptInconsistent: checked.kept,
      replacedSynthetic: source === 'synthetic' ? 0 : replacedSynthetic,
      calendar: cal[0].calendar,
      gaps: gaps.map((g) => describeGap(g, tf)),
      tfDetected: opts.tf === 'auto',
      first: isoUtc(checked.ts[0]),
      last: isoUtc(checked.ts[checked.n - 1]),
      ohlc: opts.ohlc ?? 'repair',
    };
  });
}

/** The whole command: read and check, then open the store for writing and store in one transaction. */
export async function importFile(storePath: string, opts: ImportOptions): Promise<ImportReport> {
  const read = await readCandles(opts);
  const store = await CandleStore.open(storePath);
  try {
    return await storeCandles(store, opts, read);
  } finally {
    store.close();
  }
}

/**
 * What kind of input `file` is, checked before it is read: a folder, a pipe or a device is refused
 * (a FIFO would block the open forever), and so is a compressed, archived or binary file, naming
 * what it is; Parquet is recognised by its PAR1 marker, anything else must be CSV text.
 */
export function inputFormat(file: string): 'csv' | 'parquet' {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ForgeError(
        `${file}: no such file`,
        'check the path (relative paths are from the current folder)',
        'E_NO_FILE',
      );
    throw err;
  }
  if (st.isDirectory())
    throw new ForgeError(`${file} is a folder, not a file`, 'give the path of a CSV or Parquet file', 'E_NOT_FILE');
  if (!st.isFile())
    throw new ForgeError(
      `${file} is not a regular file (a pipe, socket or device): forge reads its input whole`,
      'save the data to a file first, then import that file',
      'E_NOT_FILE',
    );
  const head = Buffer.alloc(Math.min(st.size, 65_536));
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (head[0] === 0x1f && head[1] === 0x8b)
    throw new ForgeError(
      `${file} is gzip-compressed`,
      `decompress it first (gunzip -k ${file}), then import the result`,
      'E_FILE_KIND',
    );
  if (head.subarray(0, 4).toString('latin1') === 'PK\x03\x04')
    throw new ForgeError(
      `${file} is a zip archive`,
      `extract it first (unzip ${file}), then import the CSV inside`,
      'E_FILE_KIND',
    );
  if (/\.parquet$/i.test(file))
    throw new ForgeError(
      `${file} is not a Parquet file (it does not start with the PAR1 marker)`,
      'give a Parquet file written by a Parquet writer, or a CSV file',
      'E_FILE_KIND',
    );
  if (head.includes(0))
    throw new ForgeError(
      `${file} is a binary file, not CSV text (it holds NUL bytes)`,
      'give a CSV text file or a Parquet file',
      'E_FILE_KIND',
    );
  return 'csv';
}
