import { ForgeError, suggestion } from '../../engine/errors.js';
import { COMMON_TIMEFRAMES } from '../../engine/timeframe.js';

// The file layout of Binance's public data archive (https://data.binance.vision, documented in
// github.com/binance/binance-public-data): one zip per symbol, interval and month
//   data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2021-01.zip  (+ .CHECKSUM: "<sha256>  <name>")
// and one per day under daily/ (the current month has no monthly file yet; a day's file appears the
// next day). USD-M futures live under data/futures/um/ with the same names.

export const DEFAULT_ARCHIVE = 'https://data.binance.vision';
export const MARKETS = ['spot', 'futures-um'] as const;
export type Market = (typeof MARKETS)[number];

/**
 * Intervals the archive publishes that are also forge timeframes: all of forge's common ones (the
 * archive also has 3d and 1mo, which are not epoch-aligned bars of fixed length).
 */
export const ARCHIVE_TIMEFRAMES = COMMON_TIMEFRAMES;

const DAY = 86_400_000;

export interface ArchiveFile {
  /** e.g. BTCUSDT-15m-2021-01 (the zip is NAME.zip, the CSV inside NAME.csv). */
  readonly name: string;
  /** Path below the base URL, without .zip. */
  readonly path: string;
  readonly period: 'monthly' | 'daily';
  /** The bars the file holds: [from, to) in epoch ms. */
  readonly from: number;
  readonly to: number;
}

export function checkMarket(market: string): Market {
  if ((MARKETS as readonly string[]).includes(market)) return market as Market;
  throw new ForgeError(
    `--market: '${market}' is not a market${suggestion(market, MARKETS)}`,
    `use ${MARKETS.join(' or ')}`,
    'E_ARG',
  );
}

export function checkArchiveTimeframe(tf: string): void {
  if ((ARCHIVE_TIMEFRAMES as readonly string[]).includes(tf)) return;
  throw new ForgeError(
    `--tf: '${tf}' is not an interval of the Binance archive that forge can store${suggestion(tf, ARCHIVE_TIMEFRAMES)}`,
    `use one of ${ARCHIVE_TIMEFRAMES.join(', ')} (other timeframes: fetch a shorter one, then forge data resample)`,
    'E_ARG',
  );
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A month's files are published in the first days of the next
 * month (by its first Monday): until then, its daily files.
 */
export const MONTHLY_DELAY_MS = 10 * DAY;

/** The daily files standing in for a monthly file that is not published yet. */
export function dailyFilesOf(
  f: ArchiveFile,
  o: { symbol: string; tf: string; from: number; to: number },
): ArchiveFile[] {
  const out: ArchiveFile[] = [];
  const dir = f.path.slice(0, f.path.lastIndexOf('/')).replace('/monthly/', '/daily/');
  for (let day = Math.max(f.from, Math.floor(o.from / DAY) * DAY); day < Math.min(f.to, o.to); day += DAY) {
    const d = new Date(day);
    const name = `${o.symbol}-${o.tf}-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    out.push({ name, path: `${dir}/${name}`, period: 'daily', from: day, to: day + DAY });
  }
  return out;
}

/**
 * The files covering [from, to): whole months before the current UTC month as monthly files, the
 * rest as daily files up to yesterday (today's file does not exist yet). `now` is injectable for tests.
 */
export function planFiles(o: {
  symbol: string;
  tf: string;
  market: Market;
  from: number;
  to: number;
  now: number;
}): ArchiveFile[] {
  const root = `data/${o.market === 'spot' ? 'spot' : 'futures/um'}`;
  const nowDate = new Date(o.now);
  const thisMonth = Date.UTC(nowDate.getUTCFullYear(), nowDate.getUTCMonth(), 1);
  const today = Math.floor(o.now / DAY) * DAY;
  const end = Math.min(o.to, today);
  const out: ArchiveFile[] = [];
  const first = new Date(o.from);
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); ; m++) {
    const start = Date.UTC(y, m, 1);
    if (start >= end) break;
    const next = Date.UTC(y, m + 1, 1);
    const d = new Date(start);
    const ym = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
    if (next <= thisMonth) {
      const name = `${o.symbol}-${o.tf}-${ym}`;
      out.push({
        name,
        path: `${root}/monthly/klines/${o.symbol}/${o.tf}/${name}`,
        period: 'monthly',
        from: start,
        to: next,
      });
      continue;
    }
    for (let day = Math.max(start, Math.floor(o.from / DAY) * DAY); day < Math.min(next, end); day += DAY) {
      const name = `${o.symbol}-${o.tf}-${ym}-${pad(new Date(day).getUTCDate())}`;
      out.push({
        name,
        path: `${root}/daily/klines/${o.symbol}/${o.tf}/${name}`,
        period: 'daily',
        from: day,
        to: day + DAY,
      });
    }
  }
  return out;
}
