import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freshHome } from '../../helpers/cli.js';

// The done-when on real candles: BTCUSD_1h.csv imported as BTCUSDT, a catalog entry for the
// whole 1h range, a walk-forward with at least 8 windows printing the per-window table and the verdict.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DATA = path.resolve(ROOT, '../shared/data');
const CSV = path.join(DATA, 'BTCUSD_1h.csv');
const CLI = path.join(ROOT, 'bin/forge.js');
const PLAY = path.join(ROOT, 'configs/plays/wf_trend_1h.yaml');
const run = promisify(execFile);

const CATALOG = `datasets:
  - name: BTCUSDT_1H_ALL
    symbol: BTCUSDT
    base: 1h
    derived: [4h, 1d]
    from: 2022-01-01
    to: 2026-03-01
    regime: cycle
    description: all the real BTC 1h candles
`;

describe.skipIf(!fs.existsSync(CSV))(
  'forge walkforward on real BTC 1h candles (needs ../shared/data/BTCUSD_1h.csv)',
  () => {
    it('runs 12 rolling windows of 365 + 90 days and prints the table and the verdict', async () => {
      const dir = freshHome('forge-wf-real-', CATALOG);
      await run(
        process.execPath,
        [CLI, 'data', 'import', CSV, '--symbol', 'BTCUSDT', '--tf', '1h', '--home', dir, '--quiet'],
        { cwd: dir },
      );
      const args = [
        CLI,
        'walkforward',
        '--dataset',
        'BTCUSDT_1H_ALL',
        '--play',
        PLAY,
        '--train',
        '365d',
        '--test',
        '90d',
        '--pop',
        '16',
        '--generations',
        '4',
        '--min-trades',
        '5',
        '--workers',
        '2',
        '--home',
        dir,
      ];
      const { stdout } = await run(process.execPath, [...args, '--json'], { cwd: dir, maxBuffer: 32 << 20 });
      const out = JSON.parse(stdout);
      expect(out.dataset.source).toBe('real');
      // 2022-01-01 .. 2026-03-01 is 1520 days: (1520 - 365 - 90) / 90 + 1 = 12 windows.
      expect(out.windows.length).toBe(12);
      expect(out.windows[0].train.from).toBe('2022-01-01T00:00:00.000Z');
      expect(out.windows[0].test.from).toBe('2023-01-01T00:00:00.000Z');
      expect(out.aggregate.okWindows).toBeGreaterThanOrEqual(8);
      let product = 1;
      for (const w of out.windows) if (w.status === 'ok') product *= 1 + w.outOfSample.totalReturn;
      expect(out.stitched.totalReturn).toBeCloseTo(product - 1, 9);
      expect(out.verdict.criteria.length).toBe(4);

      const text = (await run(process.execPath, args, { cwd: dir, maxBuffer: 32 << 20 })).stdout;
      expect(text).toMatch(/#\s+train\s+test\s+status\s+IS return/);
      expect(text).toMatch(/12\s+2024-09-17\.\.2025-09-17\s+2025-09-17\.\.2025-12-16/);
      expect(text).toMatch(/criterion\s+value\s+threshold\s+result/);
      expect(text).toMatch(/verdict: (ROBUST|MARGINAL|NOT ROBUST)/);
    }, 120_000);
  },
);
