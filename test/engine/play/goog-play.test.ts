import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlay } from '../../../src/forge/plays.js';
import { playWarmup, resolvePlay, runPlay } from '../../../src/engine/play/index.js';
import { parseCandleCsv } from '../../../src/forge/store/csv.js';
import { checkRows } from '../../../src/forge/store/rows.js';
import type { Feed } from '../../../src/engine/types.js';

// backtesting.py's published SmaCross statistics on GOOG (see ../shared/data/README.md), reproduced
// through the shipped play file configs/plays/sma_cross_reversal.yaml. Where forge's conventions differ
// from backtesting.py's (end-of-data fill, buy-and-hold start, Sharpe annualisation), the play and
// runPlay take backtesting.py's: see test/engine/sim/goog-reference.test.ts for the details.
// cross_above here is a[i] > b[i] && a[i-1] <= b[i-1]; backtesting.py's crossover is strict on the
// previous bar (a[i-1] < b[i-1]). They differ only when the SMAs are exactly equal on a bar, which
// never happens on this data (the trade count would show it).

const ROOT = path.resolve(__dirname, '../../..');
const FILE = path.resolve(ROOT, '../shared/data/GOOG_1d.csv');

function readFeed(file: string, tf: string, tfMs: number): Feed {
  const checked = checkRows(parseCandleCsv(fs.readFileSync(file, 'utf8'), file), tf, 'keep');
  const n = checked.n;
  const { ts, open, high, low, close, volume } = checked;
  return {
    tf,
    tfMs,
    time: ts.subarray(0, n),
    open: open.subarray(0, n),
    high: high.subarray(0, n),
    low: low.subarray(0, n),
    close: close.subarray(0, n),
    volume: volume.subarray(0, n),
    length: n,
  };
}

describe.skipIf(!fs.existsSync(FILE))(
  `sma_cross_reversal.yaml on GOOG reproduces backtesting.py (skipped: ${FILE} absent)`,
  () => {
    // Loaded in beforeAll: a skipped describe still runs its body, and the file may be absent.
    let space: ReturnType<typeof loadPlay>;
    let play: ReturnType<typeof resolvePlay>;
    let feed: Feed;
    let m: ReturnType<typeof runPlay>['metrics'];
    let result: ReturnType<typeof runPlay>['result'];
    beforeAll(() => {
      space = loadPlay(path.join(ROOT, 'configs/plays/sma_cross_reversal.yaml'));
      play = resolvePlay(space, []);
      feed = readFeed(FILE, '1d', 86_400_000);
      ({ metrics: m, result } = runPlay(play, { '1d': feed }));
    });

    it('the play has no genes and starts buy-and-hold after the SMA(30) warm-up', () => {
      expect(space.genes).toEqual([]);
      expect(feed.length).toBe(2148);
      expect(playWarmup(play)).toBe(29);
    });

    it('66 trades, final equity 51,422.99 to the cent, return 414.2299 %', () => {
      expect(m.trades).toBe(66);
      expect(result.trades.count).toBe(66);
      expect(m.finalEquity.toFixed(2)).toBe('51422.99');
      expect(m.totalReturn * 100).toBeCloseTo(414.2299, 4);
    });

    it('win rate 46.9697 %, max drawdown -47.9801 %, Sharpe 0.5806, buy & hold 522.0602 %', () => {
      expect(m.winRate * 100).toBeCloseTo(46.9697, 4);
      expect(m.maxDrawdown * 100).toBeCloseTo(-47.9801, 4);
      expect(m.sharpe).toBeCloseTo(0.5806, 4);
      expect(m.buyHoldReturn * 100).toBeCloseTo(522.0602, 4);
    });
  },
);
