import { ForgeError } from '../../engine/errors.js';
import { generateCandles, type RegimeShape } from '../../engine/synthetic.js';
import { bucketStart, timeframeMs } from '../../engine/timeframe.js';
import { SYNTHETIC_SOURCE, type CandleStore } from './store.js';
import { upsertCandles } from './write.js';
import { candleTransaction } from './ls.js';

/** First bar open time at or after `ts` on the `tfMs` grid (weekly bars start on Monday, like bucketStart). */
export function alignUp(ts: number, tfMs: number): number {
  const start = bucketStart(ts, tfMs);
  return start < ts ? start + tfMs : start;
}

/**
 * Most bars one synthesis may write: 20 million 1m bars are 38 years, and generating plus storing
 * them takes minutes and gigabytes, so a slip of the unit (--tf 1m over a century) fails at once.
 */
export const MAX_SYNTH_BARS = 20_000_000;

/** Refuses a window holding more than MAX_SYNTH_BARS bars of `tf`, with the count and a fix. */
export function checkSynthSize(tf: string, from: number, to: number, limit = MAX_SYNTH_BARS): void {
  const tfMs = timeframeMs(tf, 'tf');
  const bars = Math.ceil((to - from) / tfMs);
  if (!(bars > limit)) return;
  const fitMs = limit * tfMs;
  throw new ForgeError(
    `from/to: ${bars.toLocaleString('en-US')} ${tf} bars in [${iso(from)}, ${iso(to)}) ` +
      `is more than one synthesis makes (${limit.toLocaleString('en-US')})`,
    `shorten the window to at most ${(fitMs / 86_400_000 / 365.25).toFixed(1)} ` +
      `years of ${tf} bars, or use a longer --tf`,
    'E_SYNTH_SIZE',
  );
}

/**
 * Generates a regime-shaped series on the timeframe grid over [from, to) and stores it with source
 * 'synthetic', in one transaction. Real candles always win: if the symbol/tf holds any non-synthetic
 * bar in the window, nothing is written and a ForgeError says so. Earlier synthetic bars in the window
 * are replaced; bars outside it are left alone.
 */
export async function storeSynthetic(
  store: CandleStore,
  o: { symbol: string; tf: string; from: number; to: number; seed: string | number; shape?: RegimeShape },
): Promise<{ bars: number; inserted: number; updated: number }> {
  const tfMs = timeframeMs(o.tf, 'tf');
  if (!o.symbol)
    throw new ForgeError('symbol: empty symbol name', 'give a symbol, e.g. --symbol BTCUSDT', 'E_SYNTH_SYMBOL');
  if (!Number.isFinite(o.from) || !Number.isFinite(o.to) || !(o.from < o.to)) {
    throw new ForgeError(
      `from/to: the window [${iso(o.from)}, ${iso(o.to)}) is empty`,
      'give a --from date before --to',
      'E_SYNTH_RANGE',
    );
  }
  checkSynthSize(o.tf, o.from, o.to);
  const from = alignUp(o.from, tfMs);
  if (from >= o.to) {
    throw new ForgeError(
      `from/to: no ${o.tf} bar starts inside [${iso(o.from)}, ${iso(o.to)})`,
      'widen the window to at least one bar',
      'E_SYNTH_RANGE',
    );
  }
  return candleTransaction(store, async (s) => {
    const real = await s.all<{ n: number; first: number | null; source: string | null }>(
      `SELECT CAST(count(*) AS INTEGER) AS n, CAST(min(ts) AS DOUBLE) AS first, min(source) AS source
       FROM candles WHERE symbol = $symbol AND tf = $tf AND ts >= $from AND ts < $to AND source <> $synthetic`,
      { symbol: o.symbol, tf: o.tf, from: BigInt(from), to: BigInt(Math.ceil(o.to)), synthetic: SYNTHETIC_SOURCE },
    );
    if (real[0].n > 0) {
      throw new ForgeError(
        `${o.symbol} ${o.tf} already holds ${real[0].n} real candles in [${iso(from)}, ` +
          `${iso(o.to)}) (from ${real[0].source}, first at ${iso(real[0].first ?? 0)}); ` +
          'real data always wins, so no synthetic bars were written',
        'use the real candles, or generate the synthetic series under another ' +
          `symbol (e.g. --symbol ${o.symbol}_SYNTH) or outside that window`,
        'E_SYNTH_REAL_DATA',
      );
    }
    const c = generateCandles({ seed: o.seed, from, to: o.to, tfMs, shape: o.shape });
    const counts = await upsertCandles(s, {
      symbol: o.symbol,
      tf: o.tf,
      source: SYNTHETIC_SOURCE,
      ts: c.time,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      volume: c.volume,
    });
    return { bars: c.length, inserted: counts.inserted, updated: counts.updated };
  });
}

function iso(ts: number): string {
  return Number.isFinite(ts) ? new Date(ts).toISOString() : String(ts);
}
