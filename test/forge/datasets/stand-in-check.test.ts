import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDatasets } from '../../../src/forge/datasets/build.js';
import { findDataset, loadCatalog } from '../../../src/forge/datasets/catalog.js';
import { ensureDataset, noRealCandlesSummarised } from '../../../src/forge/datasets/ensure.js';
import type { ForgeHome } from '../../../src/forge/home.js';
import { importFile } from '../../../src/forge/store/import.js';
import { candleMarkPath, summaryPath } from '../../../src/forge/store/store.js';
import { catalogHome, TINY_ENTRY } from '../../helpers/datasets.js';

// Every search on a synthetic stand-in asks whether real candles have arrived since it was built. The
// summary every candle write leaves beside the store answers "no" from two files; anything it cannot
// place (real candles in the window, a write that died before rewriting the summary, no summary) goes
// to the store itself, in a child process, as before. Real DuckDB store, real import of a CSV file.
const H = 3_600_000;
let dir: string;
let home: ForgeHome;
const warnings: string[] = [];
const warn = (m: string) => warnings.push(m);

function csvFile(name: string, from: number, bars: number): string {
  const file = path.join(dir, name);
  const lines = ['datetime,open,high,low,close,volume'];
  for (let i = 0; i < bars; i++) {
    const p = 100 + Math.sin(i);
    lines.push(`${new Date(from + i * H).toISOString()},${p},${p + 1},${p - 1},${p + 0.5},${10 + i}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

beforeAll(() => {
  ({ dir, home } = catalogHome('forge-stand-in-', `datasets:\n${TINY_ENTRY}\n`));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('has a stand-in dataset real candles now? The summary answers no without the store', () => {
  const def = () => findDataset(loadCatalog(home), 'TINY');

  it('after the stand-in is built: only synthetic candles in the summary, so no', async () => {
    const [m] = await buildDatasets(home, ['TINY'], { allowSynthetic: true, warn });
    expect(m.source).toBe('synthetic');
    expect(fs.existsSync(candleMarkPath(home.storePath))).toBe(true);
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(true);
  });

  it('a candle write that started after the summary was written leaves it unsure', () => {
    const mark = candleMarkPath(home.storePath);
    const summary = fs.statSync(summaryPath(home.storePath)).mtime;
    fs.utimesSync(mark, new Date(summary.getTime() + 5000), new Date(summary.getTime() + 5000));
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(false);
    fs.utimesSync(mark, new Date(summary.getTime() - 5000), new Date(summary.getTime() - 5000));
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(true);
    fs.rmSync(mark);
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(false); // no mark: written by an older forge
  });

  it('real candles of another symbol, or of this one outside the window, still say no', async () => {
    await importFile(home.storePath, {
      file: csvFile('other.csv', Date.UTC(2024, 0, 2), 48),
      symbol: 'OTHERUSDT',
      tf: '1h',
    });
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(true);
    // TINY is 2024-01-01T05:00 to 2024-01-11; these end before it starts.
    await importFile(home.storePath, {
      file: csvFile('early.csv', Date.UTC(2023, 11, 20), 48),
      symbol: 'TESTUSDT',
      tf: '1h',
    });
    // Real candles replace a symbol's synthetic ones on import: what the series holds now ends before
    // the window.
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(true);
  });

  it('real candles in the window: unsure, the store is asked, and the dataset is rebuilt from them', async () => {
    const from = Date.UTC(2024, 0, 1, 5);
    const bars = (Date.UTC(2024, 0, 11) - from) / H;
    await importFile(home.storePath, { file: csvFile('real.csv', from, bars), symbol: 'TESTUSDT', tf: '1h' });
    expect(noRealCandlesSummarised(home.storePath, def())).toBe(false);
    warnings.length = 0;
    const m = await ensureDataset(home, 'TINY', { allowSynthetic: true, warn });
    expect(warnings.join('\n')).toContain('the store now holds real TESTUSDT 1h candles');
    expect(m.source).toBe('real');
  });
});
