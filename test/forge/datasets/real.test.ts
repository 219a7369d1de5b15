import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDatasets } from '../../../src/forge/datasets/build.js';
import { loadDataset } from '../../../src/forge/datasets/load.js';
import { forgeHome } from '../../../src/forge/home.js';
import { importFile } from '../../../src/forge/store/import.js';

const DATA = path.resolve(import.meta.dirname, '../../../../shared/data');
const BTC = path.join(DATA, 'BTCUSD_1h.csv');

describe.skipIf(!fs.existsSync(BTC))(
  'BTCUSDT_BEAR_2022 from the real BTCUSD_1h.csv (skipped: ../shared/data absent)',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-real-'));
    const home = forgeHome(dir);
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('builds from real candles: 8760 1h bars that match the CSV', async () => {
      await importFile(home.storePath, { file: BTC, symbol: 'BTCUSDT', tf: '1h' });
      const warnings: string[] = [];
      // --synthetic is ignored when real candles exist.
      const [m] = await buildDatasets(home, ['BTCUSDT_BEAR_2022'], {
        allowSynthetic: true,
        syntheticRequested: true,
        warn: (w) => warnings.push(w),
      });
      expect(m.source).toBe('real');
      expect(m.seed).toBeUndefined();
      expect(warnings.join('\n')).toContain('real data always wins');
      expect(m.timeframes.map((t) => [t.tf, t.bars])).toEqual([
        ['1h', 8760],
        ['4h', 2190],
        ['1d', 365],
      ]);

      // Independent reference: the CSV's 2022 lines, parsed here.
      const lines = fs
        .readFileSync(BTC, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .filter((l) => l.startsWith('2022-'));
      const csv = lines.map((l) => l.split(',').map((v, i) => (i === 0 ? Date.parse(v.replace(' ', 'T')) : Number(v))));
      expect(csv.length).toBe(8760);
      const { feeds } = await loadDataset(home, 'BTCUSDT_BEAR_2022');
      const h1 = feeds['1h'];
      expect(Array.from(h1.time)).toEqual(csv.map((r) => r[0]));
      expect(Array.from(h1.close)).toEqual(csv.map((r) => r[4]));
      expect(h1.open[0]).toBe(46197.31);
      // 1d: 2022-06-18, the capitulation day, from its 24 hourly bars.
      const day = Date.UTC(2022, 5, 18);
      const bars = csv.filter((r) => r[0] >= day && r[0] < day + 86_400_000);
      const d = feeds['1d'];
      const i = Array.from(d.time).indexOf(day);
      expect([d.open[i], d.high[i], d.low[i], d.close[i]]).toEqual([
        bars[0][1],
        Math.max(...bars.map((r) => r[2])),
        Math.min(...bars.map((r) => r[3])),
        bars[23][4],
      ]);
    });
  },
);
