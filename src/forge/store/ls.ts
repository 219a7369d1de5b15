import { ForgeError, suggestion } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import { isoUtc } from './rows.js';
import { withStore } from './store.js';

// `forge data ls`: what the store holds, one row per symbol and timeframe. Read-only.

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

export async function listStored(storePath: string, symbol?: string): Promise<StoredSeries[]> {
  return withStore(storePath, { readOnly: true }, async (store) => {
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
      `SELECT c.symbol, c.tf, CAST(count(*) AS DOUBLE) AS bars, CAST(min(c.ts) AS DOUBLE) AS first, CAST(max(c.ts) AS DOUBLE) AS last,
              list_sort(list(DISTINCT c.source)) AS sources, CAST(count(*) FILTER (WHERE c.repaired) AS DOUBLE) AS repaired,
              any_value(s.calendar) AS calendar
       FROM candles c LEFT JOIN symbols s ON s.symbol = c.symbol
       ${symbol === undefined ? '' : 'WHERE c.symbol = $symbol'}
       GROUP BY c.symbol, c.tf`,
      symbol === undefined ? undefined : { symbol },
    );
    if (symbol !== undefined && rows.length === 0) {
      const known = (await store.all<{ symbol: string }>('SELECT DISTINCT symbol FROM candles')).map((r) => r.symbol);
      throw new ForgeError(
        `--symbol: the store has no candles for '${symbol}'${suggestion(symbol, known)}`,
        known.length > 0 ? `stored symbols: ${known.sort().join(', ')}` : 'import candles with `forge data import FILE --symbol S --tf 1h`',
        'E_NO_SYMBOL',
      );
    }
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
  });
}

function tfOrder(tf: string): number {
  try {
    return timeframeMs(tf);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}
