import { readTimeCell, TIME_FIX, type TimeCell, type TimeFormat } from './timestamps.js';
import { didYouMean, ForgeError } from '../../engine/errors.js';

// CSV candle files to columns. Only the parse lives here (layout, numbers, timestamps); the checks
// that apply to every input (alignment, order, duplicates, OHLC) are in rows.ts, shared with Parquet.

/** A line (or Parquet row) that cannot be imported, and what to do about it. */
export interface BadRow {
  readonly line: number;
  readonly reason: string;
  readonly fix: string;
}

/** Parsed rows in file order, before validation. `lines[i]` is row i's line number in the file (1-based). */
export interface RawCandles {
  n: number;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  lines: Int32Array;
  bad: BadRow[];
  /** Data rows seen, parsed or not. */
  rowsRead: number;
  timeFormat: TimeFormat | undefined;
  /** How the columns were found, for the report: 'header', 'binance kline (no header)'. */
  layout: string;
  /** 'line' for text files, 'row' for Parquet: how messages locate a row. */
  unit: 'line' | 'row';
}

/**
 * Appends one row after checking its values: a bad value becomes a BadRow (the file is rejected
 * later, or the row skipped with --skip-bad); CSV and Parquet inputs share this step.
 */
export function pushRow(
  raw: RawCandles,
  at: number,
  ms: number,
  o: number,
  h: number,
  l: number,
  c: number,
  v: number,
  why: string,
): void {
  if (why !== '') {
    raw.bad.push({ line: at, reason: why, fix: 'prices must be positive numbers and volume a non-negative number' });
    return;
  }
  const k = raw.n++;
  raw.ts[k] = ms;
  raw.open[k] = o;
  raw.high[k] = h;
  raw.low[k] = l;
  raw.close[k] = c;
  raw.volume[k] = v;
  raw.lines[k] = at;
}

export function allocRaw(capacity: number, layout: string, unit: 'line' | 'row'): RawCandles {
  return {
    n: 0,
    ts: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
    lines: new Int32Array(capacity),
    bad: [],
    rowsRead: 0,
    timeFormat: undefined,
    layout,
    unit,
  };
}

const TIME_NAMES = ['datetime', 'timestamp', 'open_time', 'open time', 'opentime', 'date', 'time', 'date_time', 'ts'];
const PRICE_NAMES = {
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v'],
} as const;
type PriceKey = keyof typeof PRICE_NAMES;
const PRICE_KEYS: readonly PriceKey[] = ['open', 'high', 'low', 'close', 'volume'];

/** Column positions of time, open, high, low, close, volume. */
export interface Layout {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Finds the columns by name (case-insensitive); `where` names the header for messages. */
export function layoutFromNames(names: readonly string[], where: string, allowUnnamedFirst: boolean): Layout {
  const lower = names.map((h) => h.trim().toLowerCase());
  let time = -1;
  for (const t of TIME_NAMES) {
    time = lower.indexOf(t);
    if (time >= 0) break;
  }
  if (time < 0 && allowUnnamedFirst && (lower[0] === '' || lower[0].startsWith('unnamed'))) time = 0;
  if (time < 0) {
    throw new ForgeError(
      `${where}: no time column among ${names.map((h) => `'${h}'`).join(', ')}`,
      "name the time column datetime, timestamp, date or time (or leave the first column's name empty)",
      'E_CSV_HEADER',
    );
  }
  const layout: Layout = { time, open: -1, high: -1, low: -1, close: -1, volume: -1 };
  for (const key of PRICE_KEYS) {
    for (const alias of PRICE_NAMES[key]) {
      const at = lower.indexOf(alias);
      if (at >= 0) {
        layout[key] = at;
        break;
      }
    }
    if (layout[key] < 0) {
      const near = lower.map((h) => didYouMean(key, [h]) && h).find(Boolean);
      throw new ForgeError(
        `${where}: no '${key}' column (columns: ` +
          `${names.map((h) => `'${h}'`).join(', ')})${near ? `; is '${near}' meant to be '${key}'?` : ''}`,
        'candle files need time, open, high, low, close and volume columns ' +
          '(names are case-insensitive; extra columns are ignored)',
        'E_CSV_HEADER',
      );
    }
  }
  return layout;
}

const BINANCE: Layout = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.charCodeAt(0) === 34 && t.charCodeAt(t.length - 1) === 34 ? t.slice(1, -1).trim() : t;
}

/**
 * Parses a candle CSV. Layout errors (no time column, no close column) throw; line errors are
 * collected in `bad` so that the caller can reject the file or skip them (--skip-bad).
 */
export function parseCandleCsv(text: string, file: string): RawCandles {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lineTexts = text.split('\n');
  let first = 0;
  while (first < lineTexts.length && lineTexts[first].trim() === '') first++;
  if (first === lineTexts.length) throw emptyFile(file);

  const headLine = lineTexts[first].replace(/\r$/, '');
  const delimiter = headLine.includes(',') ? ',' : headLine.includes(';') ? ';' : headLine.includes('\t') ? '\t' : ',';
  const headCells = headLine.split(delimiter).map(unquote);
  const probe: TimeCell = { ms: NaN, format: undefined, why: '' };
  readTimeCell(headCells[0], undefined, probe);
  const headerless = probe.ms === probe.ms;

  let layout: Layout;
  let width: number;
  let start: number;
  let layoutName: string;
  if (headerless) {
    if (headCells.length < 6) {
      throw new ForgeError(
        `${file}:${first + 1}: no header and only ${headCells.length} columns`,
        'add a header line (datetime,open,high,low,close,volume), or use a ' +
          'Binance kline CSV (open_time, open, high, low, close, volume, ...)',
        'E_CSV_HEADER',
      );
    }
    layout = BINANCE;
    width = headCells.length;
    start = first;
    layoutName =
      width === 12
        ? 'binance kline (no header)'
        : `no header, ${width} columns read as time, open, high, low, close, volume`;
  } else {
    layout = layoutFromNames(headCells, `${file}:${first + 1}`, true);
    width = headCells.length;
    start = first + 1;
    layoutName = `header ${headCells.join(delimiter)}`;
  }

  const raw = allocRaw(lineTexts.length - start, layoutName, 'line');
  const cell: TimeCell = { ms: NaN, format: undefined, why: '' };
  const widthFix = headerless
    ? 'every line needs the same number of fields as the first'
    : 'every line needs as many fields as the header';
  for (let li = start; li < lineTexts.length; li++) {
    let line = lineTexts[li];
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length === 0 || line.trim().length === 0) continue;
    raw.rowsRead++;
    const lineNo = li + 1;
    const cells = line.split(delimiter);
    if (cells.length !== width) {
      raw.bad.push({ line: lineNo, reason: `${cells.length} fields, expected ${width}`, fix: widthFix });
      continue;
    }
    readTimeCell(unquote(cells[layout.time]), raw.timeFormat, cell);
    if (cell.ms !== cell.ms) {
      raw.bad.push({ line: lineNo, reason: cell.why, fix: TIME_FIX });
      continue;
    }
    const o = priceCell(cells[layout.open]);
    const h = priceCell(cells[layout.high]);
    const l = priceCell(cells[layout.low]);
    const c = priceCell(cells[layout.close]);
    const v = priceCell(cells[layout.volume]);
    const why = checkValues(o, h, l, c, v, cells, layout);
    if (why === '' && raw.timeFormat === undefined) raw.timeFormat = cell.format;
    pushRow(raw, lineNo, cell.ms, o, h, l, c, v, why);
  }
  if (raw.rowsRead === 0) throw emptyFile(file);
  return raw;
}

function priceCell(s: string): number {
  // Number('') is 0 and Number(' ') is 0: an empty cell must not become a zero price.
  let t = s;
  if (t.length === 0 || t.charCodeAt(0) === 32 || t.charCodeAt(t.length - 1) === 32 || t.charCodeAt(0) === 34)
    t = unquote(t);
  return t.length === 0 ? NaN : Number(t);
}

/** '' when the values are importable, else the reason naming the first bad field. */
export function checkValues(
  o: number,
  h: number,
  l: number,
  c: number,
  v: number,
  cells: readonly string[] | null,
  layout: Layout | null,
): string {
  if (
    o > 0 &&
    h > 0 &&
    l > 0 &&
    c > 0 &&
    v >= 0 &&
    o < Infinity &&
    h < Infinity &&
    l < Infinity &&
    c < Infinity &&
    v < Infinity
  )
    return '';
  const vals = [o, h, l, c, v];
  for (let i = 0; i < 5; i++) {
    const x = vals[i];
    const key = PRICE_KEYS[i];
    const text = cells && layout ? cells[layout[key]].trim() : String(x);
    if (text === '' || (cells === null && x !== x)) {
      if (text === '') return `${key} is empty`;
      return `${key} is missing`;
    }
    if (x !== x) return `${key} '${text}' is not a number`;
    if (!Number.isFinite(x)) return `${key} '${text}' is not finite`;
    if (key === 'volume' ? x < 0 : x <= 0) return `${key} ${text} is ${key === 'volume' ? 'negative' : 'not positive'}`;
  }
  return '';
}

export function emptyFile(file: string): ForgeError {
  return new ForgeError(
    `${file}: no data rows`,
    'the file is empty or holds only a header; check that it is the file you meant',
    'E_EMPTY_FILE',
  );
}
