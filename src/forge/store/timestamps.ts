// Timestamp cells of candle files, to epoch milliseconds UTC. Hand-written scanners instead of
// regexes and Date.parse: the import parses tens of thousands of them, and Date.parse accepts
// (and guesses at) far more than we want to.

/** How a file writes its bar times; one file uses one. */
export type TimeFormat = 'iso' | 'unix-s' | 'unix-ms' | 'unix-us';

const UNIT_FACTOR: Record<Exclude<TimeFormat, 'iso'>, number> = { 'unix-s': 1000, 'unix-ms': 1, 'unix-us': 0.001 };

/** Result of reading one cell: epoch ms, or NaN with `why` set. */
export interface TimeCell {
  ms: number;
  format: TimeFormat | undefined;
  why: string;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fff]]` and an offset
 * (`Z`, `+HH:MM`, `+HHMM`, `+HH`). No offset means UTC. NaN for anything else.
 */
export function parseIsoUtc(s: string): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month - 1])) return NaN;
  let ms = Date.UTC(year, month - 1, day);
  if (n === 10) return ms;
  const sep = s.charCodeAt(10);
  if ((sep !== 84 && sep !== 32 && sep !== 116) || n < 16 || s.charCodeAt(13) !== 58) return NaN; // 'T', ' ', 't'
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  ms += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const second = digits(s, i + 1, 2);
    if (i + 3 > n || second < 0 || second > 59) return NaN;
    ms += second * 1000;
    i += 3;
    if (i < n && s.charCodeAt(i) === 46) {
      let scale = 100;
      let j = i + 1;
      for (; j < n; j++) {
        const d = s.charCodeAt(j) - 48;
        if (d < 0 || d > 9) break;
        ms += d * scale;
        scale /= 10;
      }
      if (j === i + 1) return NaN;
      i = j;
    }
  }
  if (i === n) return ms;
  const c = s.charCodeAt(i);
  if ((c === 90 || c === 122) && i + 1 === n) return ms; // 'Z', 'z'
  if (c !== 43 && c !== 45) return NaN; // '+', '-'
  const sign = c === 43 ? 1 : -1;
  const rest = n - i - 1;
  const oh = digits(s, i + 1, 2);
  let om = 0;
  if (rest === 5 && s.charCodeAt(i + 3) === 58) om = digits(s, i + 4, 2);
  else if (rest === 4) om = digits(s, i + 3, 2);
  else if (rest !== 2) return NaN;
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
  return ms - sign * (oh * 3_600_000 + om * 60_000);
}

/** Which unix unit a number of this size must be, for bars between 1973 and about 5000 AD. */
export function unixUnit(v: number): Exclude<TimeFormat, 'iso'> | undefined {
  if (v >= 1e8 && v < 1e11) return 'unix-s';
  if (v >= 1e11 && v < 1e14) return 'unix-ms';
  if (v >= 1e14 && v < 1e17) return 'unix-us';
  return undefined;
}

function looksNumeric(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) return false;
  }
  return s.length > 0;
}

/**
 * Reads one time cell. `format` is the file's format so far (set by its first row); a row in a
 * different format is an error, since guessing per row would silently mix seconds and milliseconds.
 */
export function readTimeCell(raw: string, format: TimeFormat | undefined, out: TimeCell): void {
  out.ms = NaN;
  out.format = format;
  out.why = '';
  if (raw.length === 0) {
    out.why = 'the timestamp is empty';
    return;
  }
  if (looksNumeric(raw)) {
    const v = Number(raw);
    const unit = unixUnit(v);
    if (unit === undefined) {
      out.why = `timestamp '${raw}' is a number but not a unix time in seconds, milliseconds or microseconds`;
      return;
    }
    if (format !== undefined && format !== unit) {
      out.why =
        `timestamp '${raw}' looks like ${describeFormat(unit)} ` +
        `but the file's earlier rows are ${describeFormat(format)}`;
      return;
    }
    out.format = unit;
    out.ms = v * UNIT_FACTOR[unit];
    return;
  }
  const ms = parseIsoUtc(raw);
  if (ms !== ms) {
    out.why = `unknown timestamp format '${raw.length > 40 ? raw.slice(0, 40) + '...' : raw}'`;
    return;
  }
  if (format !== undefined && format !== 'iso') {
    out.why = `timestamp '${raw}' is a date string but the file's earlier rows are ${describeFormat(format)}`;
    return;
  }
  out.format = 'iso';
  out.ms = ms;
}

export function describeFormat(f: TimeFormat): string {
  switch (f) {
    case 'iso':
      return 'ISO date-times';
    case 'unix-s':
      return 'unix seconds';
    case 'unix-ms':
      return 'unix milliseconds';
    case 'unix-us':
      return 'unix microseconds';
  }
}

export const TIME_FIX =
  'write times as ISO (2022-01-01 00:00:00, optional Z or +00:00 offset; no offset = UTC) ' +
  'or as unix seconds, milliseconds or microseconds, one kind for the whole file';
