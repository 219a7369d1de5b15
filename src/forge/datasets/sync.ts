import fs from 'node:fs';
import { ForgeError } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import { fetchCandles, type FetchEvents } from '../fetch/fetch.js';
import type { ForgeHome } from '../home.js';
import { withStore } from '../store/store.js';
import { SYNTHETIC_SOURCE } from '../store/store.js';
import { iso, type DatasetDef } from './catalog.js';

// Auto-sync: before a catalog dataset is built, fetch the part of its window the store lacks from
// the archive its catalog entry names (`source:`). Best effort: when the archive cannot be reached
// or a file is bad, the build goes on with what the store has (or the labelled synthetic stand-in),
// and says why in one warning.

export interface SyncOptions {
  readonly baseUrl: string;
  readonly retries?: number;
  readonly timeoutMs?: number;
  readonly backoffMs?: number;
  /** Pins "today" for the archive's monthly/daily split (tests). */
  readonly now?: number;
}

/** How a command may get candles it lacks: from the archive (absent under --offline), or a stand-in. */
export interface DataPolicy {
  readonly sync?: SyncOptions;
  /** --synthetic given: a stand-in is allowed even for a symbol forge does not know. */
  readonly synthetic?: boolean;
}

interface Coverage {
  n: number;
  first: number | null;
  last: number | null;
}

async function realCoverage(home: ForgeHome, def: DatasetDef): Promise<Coverage> {
  if (!fs.existsSync(home.storePath)) return { n: 0, first: null, last: null };
  return withStore(home.storePath, { readOnly: true }, async (s) => {
    const r = await s.all<Coverage>(
      `SELECT CAST(count(*) AS DOUBLE) AS n, CAST(min(ts) AS DOUBLE) AS first, CAST(max(ts) AS DOUBLE) AS last
       FROM candles
       WHERE symbol = $1 AND tf = $2 AND source <> $3 AND ts >= $4 AND ts < $5`,
      [def.symbol, def.baseTf, SYNTHETIC_SOURCE, BigInt(def.from), BigInt(def.to)],
    );
    return r[0];
  });
}

/** The stretches of the window before the first and after the last stored real bar. */
export function missingRanges(def: DatasetDef, c: Coverage): [number, number][] {
  if (c.n === 0 || c.first === null || c.last === null) return [[def.from, def.to]];
  const tfMs = timeframeMs(def.baseTf);
  const out: [number, number][] = [];
  if (c.first > def.from) out.push([def.from, c.first]);
  if (c.last + tfMs < def.to) out.push([c.last + tfMs, def.to]);
  return out;
}

/** Fetches what the dataset's window lacks; true when candles were stored. Never throws a ForgeError. */
export async function syncDataset(
  home: ForgeHome,
  def: DatasetDef,
  sync: SyncOptions,
  warn: (m: string) => void,
  progress?: (m: string) => void,
): Promise<boolean> {
  if (def.source === undefined) return false;
  let stored = false;
  try {
    const ranges = missingRanges(def, await realCoverage(home, def));
    for (const [from, to] of ranges) {
      progress?.(
        `dataset ${def.name}: fetching ${def.symbol} ${def.baseTf} ${iso(from)}..${iso(to)} ` +
          `from ${sync.baseUrl} (--offline to skip)`,
      );
      const events: FetchEvents = { retry: (m) => progress?.(m) };
      const r = await fetchCandles(
        home,
        {
          ...sync,
          symbol: def.symbol,
          tf: def.baseTf,
          market: def.source === 'binance-futures-um' ? 'futures-um' : 'spot',
          from,
          to,
        },
        events,
      );
      progress?.(
        `dataset ${def.name}: ${r.import.inserted} bars stored ` +
          `(${r.downloaded} files downloaded, ${r.cached} cached` +
          `${r.missing.length > 0 ? `, ${r.missing.length} not in the archive` : ''})`,
      );
      stored = true;
    }
  } catch (err) {
    if (!(err instanceof ForgeError)) throw err;
    warn(
      `dataset ${def.name}: could not fetch its candles (${err.message.split('\n')[0]}); ` +
        'going on with the store as it is',
    );
  }
  return stored;
}
