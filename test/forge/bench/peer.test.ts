import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlay, resolvePlay, runPlay } from '../../../src/engine/play/index.js';
import { createEvaluator } from '../../../src/forge/eval/evaluator.js';
import { csvFeed } from '../../../src/forge/csv-feed.js';
import { PEER_PLAY, peerGrid } from '../../../src/forge/bench/peer.js';
import { evalJob } from '../../../src/forge/bench/pool-run.js';

// The peer workload's backtests must be the ones `forge backtest` would run: a sample of the grid
// through the bench's evaluator path equals runPlay on the same CSV (forge backtest's path), and
// runPlay's trades equal an independent close-and-reverse loop written here from the definition.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CSV = path.join(ROOT, '../shared/data/BTCUSD_1h.csv');

/** SMA of close by direct summation of each window (no running sum: independent of the engine's kernel). */
function sma(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = p - 1; i < x.length; i++) {
    let s = 0;
    for (let k = i - p + 1; k <= i; k++) s += x[k];
    out[i] = s / p;
  }
  return out;
}

interface RefTrade {
  dir: number;
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
}

/** Cross at bar i decided at i's close, filled at i+1's open; always in the market after the first cross; closed at the last close. */
function referenceTrades(open: Float64Array, close: Float64Array, fast: number, slow: number): RefTrade[] {
  const f = sma(close, fast);
  const s = sma(close, slow);
  const n = close.length;
  const trades: RefTrade[] = [];
  let pos = 0;
  let entryBar = 0;
  for (let j = 1; j < n; j++) {
    const i = j - 1;
    const up = i > 0 && f[i] > s[i] && f[i - 1] <= s[i - 1];
    const down = i > 0 && f[i] < s[i] && f[i - 1] >= s[i - 1];
    const want = up && !down ? 1 : down && !up ? -1 : 0;
    if (want !== 0 && want !== pos) {
      if (pos !== 0) trades.push({ dir: pos, entryBar, exitBar: j, entryPrice: open[entryBar], exitPrice: open[j] });
      pos = want;
      entryBar = j;
    }
  }
  if (pos !== 0)
    trades.push({ dir: pos, entryBar, exitBar: n - 1, entryPrice: open[entryBar], exitPrice: close[n - 1] });
  return trades;
}

describe.skipIf(!fs.existsSync(CSV))('peer workload on ../shared/data/BTCUSD_1h.csv (skipped without the file)', () => {
  // Loaded in beforeAll: a skipped describe still runs its body, and the file may be absent.
  const text = fs.readFileSync(path.join(ROOT, PEER_PLAY), 'utf8');
  const space = parsePlay(text, PEER_PLAY);
  const grid = peerGrid();
  const sample = [0, 1, 40, 111, 200, 341].map((k) => grid[k]);
  let feed: ReturnType<typeof csvFeed>;
  beforeAll(() => {
    feed = csvFeed(CSV, '1h', '--peer-csv');
  });

  it("the bench evaluator (the pool worker path) gives exactly runPlay's figures for a sample of the grid", () => {
    const ev = createEvaluator(evalJob(text, PEER_PLAY, feed, 0, 64 * 1024 * 1024), { '1h': feed });
    for (const g of sample) {
      const rec = ev.evaluate(g);
      const run = runPlay(resolvePlay(space, g), { '1h': feed });
      expect(rec.error).toBeUndefined();
      for (const k of [
        'trades',
        'finalEquity',
        'totalReturn',
        'sharpe',
        'maxDrawdown',
        'winRate',
        'profitFactor',
        'exposure',
      ] as const) {
        expect(rec.inSample![k], `${g} ${k}`).toBe(run.metrics[k]);
      }
    }
  });

  it("runPlay's trades equal an independent close-and-reverse loop", () => {
    for (const g of sample) {
      const run = runPlay(resolvePlay(space, g), { '1h': feed });
      const ref = referenceTrades(feed.open, feed.close, g[0], g[1]);
      const t = run.result.trades;
      expect(t.count, `${g}`).toBe(ref.length);
      expect(ref.length).toBeGreaterThan(50);
      for (let k = 0; k < t.count; k++) {
        expect(
          [t.direction[k], t.entryBar[k], t.exitBar[k], t.entryPrice[k], t.exitPrice[k]],
          `${g} trade ${k}`,
        ).toEqual([ref[k].dir, ref[k].entryBar, ref[k].exitBar, ref[k].entryPrice, ref[k].exitPrice]);
      }
    }
  });
});
