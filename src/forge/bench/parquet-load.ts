import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDatasets } from '../datasets/build.js';
import { loadDataset } from '../datasets/load.js';
import { forgeHome } from '../home.js';

/**
 * Builds the synthetic BTCUSDT_FULL_CYCLE dataset in a temp home and times loadDataset (Parquet ->
 * typed arrays, hash checked): the median of 5 loads in this (warm) process.
 */
export async function timeParquetLoad(seed: string): Promise<{ loadMs: number; bars: number; coldProcess: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-bench-'));
  try {
    const home = forgeHome(dir);
    await buildDatasets(home, ['BTCUSDT_FULL_CYCLE'], { allowSynthetic: true, seed, warn: () => {} });
    const runs: number[] = [];
    let bars = 0;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const d = await loadDataset(home, 'BTCUSDT_FULL_CYCLE');
      runs.push(performance.now() - t0);
      bars = d.feeds[d.manifest.baseTf]?.length ?? 0;
    }
    return { loadMs: runs.sort((a, b) => a - b)[2], bars, coldProcess: false };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
