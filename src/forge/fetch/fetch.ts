import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { ForgeError } from '../../engine/errors.js';
import type { ForgeHome } from '../home.js';
import { parseCandleCsv } from '../store/csv.js';
import {
  checkRead,
  storeCandles,
  validateImportOptions,
  type ImportOptions,
  type ImportReport,
  type ReadCandles,
} from '../store/import.js';
import { isoUtc, type CheckedCandles } from '../store/rows.js';
import { CandleStore } from '../store/store.js';
import { downloadFile, type Fetched } from './download.js';
import {
  checkArchiveTimeframe,
  checkMarket,
  dailyFilesOf,
  DEFAULT_ARCHIVE,
  MONTHLY_DELAY_MS,
  planFiles,
  type ArchiveFile,
  type Market,
} from './layout.js';

// `forge data fetch`: plan the archive files of a window, download and verify each into the cache,
// read every zip's CSV through the same checks as `forge data import`, then store all of it in one
// transaction. Any failure before that transaction leaves the store exactly as it was.

export interface FetchOptions {
  readonly symbol: string;
  readonly tf: string;
  readonly market: string;
  readonly from: number;
  readonly to: number;
  readonly baseUrl: string;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly backoffMs: number;
  readonly skipBad: boolean;
  /** Epoch ms deciding which months are complete (monthly files) and which are daily; tests pin it. */
  readonly now: number;
}

export const FETCH_DEFAULTS = {
  market: 'spot',
  baseUrl: DEFAULT_ARCHIVE,
  retries: 4,
  timeoutMs: 30_000,
  backoffMs: 1000,
  skipBad: false,
} as const;

export interface FetchEvents {
  /** Called once the file list is known: how many files. */
  start?(files: number): void;
  file?(f: Fetched, index: number): void;
  bytes?(n: number): void;
  retry?(msg: string): void;
}

export interface FetchReport {
  readonly market: Market;
  readonly baseUrl: string;
  readonly files: number;
  readonly downloaded: number;
  readonly cached: number;
  readonly bytes: number;
  /** Archive files that do not exist (404), e.g. months before the symbol was listed. */
  readonly missing: string[];
  readonly import: ImportReport;
}

export function archiveCacheDir(home: ForgeHome): string {
  return path.join(home.root, 'cache', 'binance');
}

export function validateFetch(o: Partial<FetchOptions>): FetchOptions {
  // Keys given as undefined keep their default (a caller's optional settings pass straight through).
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const m: FetchOptions = {
    ...FETCH_DEFAULTS,
    now: Date.now(),
    symbol: '',
    tf: '',
    from: NaN,
    to: NaN,
    ...given,
  } as FetchOptions;
  checkMarket(m.market);
  validateImportOptions({ file: 'archive', symbol: m.symbol, tf: m.tf });
  checkArchiveTimeframe(m.tf);
  if (!/^[A-Z0-9]+$/.test(m.symbol)) {
    throw new ForgeError(
      `--symbol: '${m.symbol}' is not a Binance symbol`,
      'Binance symbols are upper-case letters and digits, e.g. BTCUSDT',
      'E_ARG',
    );
  }
  if (!Number.isFinite(m.from) || !Number.isFinite(m.to) || m.from >= m.to) {
    throw new ForgeError(
      `--from/--to: the window is empty or not dates`,
      'give ISO dates with --from before --to, e.g. --from 2021-01-01 --to 2025-01-01',
      'E_ARG',
    );
  }
  if (!/^https?:\/\/[^\s]+$/.test(m.baseUrl)) {
    throw new ForgeError(
      `--base-url: '${m.baseUrl}' is not an http(s) URL`,
      `give the archive root, e.g. ${DEFAULT_ARCHIVE}`,
      'E_ARG',
    );
  }
  for (const [k, v] of [
    ['retries', m.retries],
    ['timeout', m.timeoutMs],
    ['backoff', m.backoffMs],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new ForgeError(
        `--${k}: ${v} is not a whole number >= 0`,
        `give e.g. --${k} ${k === 'retries' ? 4 : 1000}`,
        'E_ARG',
      );
  }
  return m;
}

export async function fetchCandles(
  home: ForgeHome,
  partial: Partial<FetchOptions>,
  events: FetchEvents = {},
): Promise<FetchReport> {
  const o = validateFetch(partial);
  const market = checkMarket(o.market);
  const files = planFiles({ symbol: o.symbol, tf: o.tf, market, from: o.from, to: o.to, now: o.now });
  if (files.length === 0) {
    throw new ForgeError(
      `the archive has no ${o.tf} files for ${isoUtc(o.from)}..${isoUtc(o.to)} yet (a day's file appears the next day)`,
      'end --to at yesterday or earlier',
      'E_FETCH_NOTHING',
    );
  }
  events.start?.(files.length);
  const got: Fetched[] = [];
  const dl = {
    baseUrl: o.baseUrl,
    cacheDir: archiveCacheDir(home),
    retries: o.retries,
    timeoutMs: o.timeoutMs,
    backoffMs: o.backoffMs,
    onBytes: events.bytes,
    onRetry: events.retry,
  };
  for (const f of files) {
    const r = await downloadFile(f, dl);
    if (r.state === 'missing' && f.period === 'monthly' && o.now - f.to < MONTHLY_DELAY_MS) {
      // Last month's file is not out yet: its days are.
      for (const d of dailyFilesOf(f, o)) {
        got.push(await downloadFile(d, dl));
        events.file?.(got[got.length - 1], got.length);
      }
      continue;
    }
    got.push(r);
    events.file?.(r, got.length);
  }
  const present = got.filter((g): g is Extract<Fetched, { zip: string }> => g.state !== 'missing');
  const missing = got.filter((g) => g.state === 'missing').map((g) => g.file.name);
  if (present.length === 0) {
    throw new ForgeError(
      `${o.baseUrl}: none of the ${files.length} ${market} ${o.symbol} ${o.tf} ` +
        `files exists (404), e.g. ${files[0].path}.zip; nothing was imported`,
      'check the symbol as Binance spells it (e.g. BTCUSDT), the market ' +
        `(--market ${market === 'spot' ? 'futures-um' : 'spot'}) and ` +
        'the window (before the listing date there is no data)',
      'E_FETCH_NOTHING',
    );
  }
  const label = `binance ${market} ${o.symbol} ${o.tf}`;
  const importOpts: ImportOptions = {
    file: label,
    symbol: o.symbol,
    tf: o.tf,
    skipBad: o.skipBad,
    source: `binance-${market}`,
  };
  const parts = present.map((p) => readZip(p.zip, p.file, importOpts, o));
  const read = concat(parts, o.tf);
  if (read.checked.n === 0) {
    throw new ForgeError(
      `the archive files hold no ${o.symbol} ${o.tf} bars inside ` +
        `${isoUtc(o.from)}..${isoUtc(o.to)}; nothing was imported`,
      'widen --from/--to',
      'E_FETCH_NOTHING',
    );
  }
  const store = await CandleStore.open(home.storePath);
  let report: ImportReport;
  try {
    report = await storeCandles(store, importOpts, read);
  } finally {
    store.close();
  }
  return {
    market,
    baseUrl: o.baseUrl,
    files: got.length,
    downloaded: got.filter((g) => g.state === 'downloaded').length,
    cached: got.filter((g) => g.state === 'cached').length,
    bytes: present.reduce((s, p) => s + p.bytes, 0),
    missing,
    import: report,
  };
}

/** One verified zip to checked candles inside the fetch window; a zip that is not what its name says is an error. */
function readZip(zip: string, f: ArchiveFile, opts: ImportOptions, o: FetchOptions): ReadCandles {
  const bad = (problem: string, code: string) => {
    fs.rmSync(zip, { force: true }); // so that a rerun downloads it again
    return new ForgeError(
      `${zip}: ${problem}; nothing was imported`,
      'rerun the fetch to download it again; if it persists, the archive or mirror (--base-url) serves a damaged file',
      code,
    );
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(fs.readFileSync(zip));
  } catch (err) {
    throw bad(`not a readable zip archive (${(err as Error).message})`, 'E_FETCH_ZIP');
  }
  const names = Object.keys(entries);
  const want = `${f.name}.csv`;
  if (names.length !== 1 || names[0] !== want)
    throw bad(`holds ${JSON.stringify(names)}, expected the one file ${want}`, 'E_FETCH_CONTENT');
  const where = `${zip}!${want}`;
  const raw = parseCandleCsv(Buffer.from(entries[want]).toString('utf8'), where);
  for (let i = 0; i < raw.n; i++) {
    if (raw.ts[i] < f.from || raw.ts[i] >= f.to) {
      throw bad(
        `line ${raw.lines[i]} holds a bar at ${isoUtc(raw.ts[i])}, ` +
          `outside the file's period ${isoUtc(f.from)}..${isoUtc(f.to)}`,
        'E_FETCH_CONTENT',
      );
    }
  }
  let read: ReadCandles;
  try {
    read = checkRead(raw, { ...opts, file: where }, 'zip');
  } catch (err) {
    if (err instanceof ForgeError) fs.rmSync(zip, { force: true });
    throw err;
  }
  return clip(read, Math.max(o.from, f.from), Math.min(o.to, f.to));
}

function clip(r: ReadCandles, from: number, to: number): ReadCandles {
  const c = r.checked;
  let a = 0;
  while (a < c.n && c.ts[a] < from) a++;
  let b = a;
  while (b < c.n && c.ts[b] < to) b++;
  const checked: CheckedCandles = {
    n: b - a,
    ts: c.ts.subarray(a, b),
    open: c.open.subarray(a, b),
    high: c.high.subarray(a, b),
    low: c.low.subarray(a, b),
    close: c.close.subarray(a, b),
    volume: c.volume.subarray(a, b),
    repaired: c.repaired.subarray(a, b),
    bad: c.bad,
    repairs: c.repairs,
    kept: c.kept,
  };
  return { ...r, checked };
}

/** The files' candles as one input, in time order (the files are consecutive periods). */
function concat(parts: readonly ReadCandles[], tf: string): ReadCandles {
  const n = parts.reduce((s, p) => s + p.checked.n, 0);
  const col = (k: 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'): Float64Array => {
    const out = new Float64Array(n);
    let at = 0;
    for (const p of parts) {
      out.set(p.checked[k], at);
      at += p.checked.n;
    }
    return out;
  };
  const repaired = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    repaired.set(p.checked.repaired, at);
    at += p.checked.n;
  }
  const first = parts[0];
  return {
    format: 'zip',
    tf,
    raw: { ...first.raw, rowsRead: parts.reduce((s, p) => s + p.raw.rowsRead, 0) },
    checked: {
      n,
      ts: col('ts'),
      open: col('open'),
      high: col('high'),
      low: col('low'),
      close: col('close'),
      volume: col('volume'),
      repaired,
      bad: parts.flatMap((p) => p.checked.bad),
      repairs: parts.flatMap((p) => p.checked.repairs),
      kept: parts.flatMap((p) => p.checked.kept),
    },
  };
}
