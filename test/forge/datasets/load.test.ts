import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDir, readBuilt } from '../../../src/forge/datasets/folder.js';
import { listDatasets } from '../../../src/forge/datasets/list.js';
import { loadDataset } from '../../../src/forge/datasets/load.js';
import { loadSharedDataset } from '../../../src/forge/datasets/load-shared.js';
import type { ForgeHome } from '../../../src/forge/home.js';
import { sharedFeeds } from '../../../src/forge/shared/columns.js';
import { catalogHome, caught, TINY_ENTRY } from '../../helpers/datasets.js';

// The one path from a dataset name to hash-checked candles (issue 15 point 3), on a real DuckDB store,
// real Parquet files and the real loader thread (or, for a small build, the calling thread).

const CATALOG = `datasets:\n${TINY_ENTRY}\n`;
// [2024-01-01 05:00, 2024-01-11 00:00) in whole hours: 19 on the first day, then 9 days of 24.
const BASE_BARS = 19 + 9 * 24;

let dir: string;
let home: ForgeHome;
const ensure = { allowSynthetic: true, warn: () => {} };

beforeAll(() => {
  ({ dir, home } = catalogHome('forge-load-', CATALOG));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('one dataset path', () => {
  it('builds a dataset that is not built yet when allowed, then loads it hash-checked', async () => {
    const e = await caught(loadDataset(home, 'TINY'));
    expect(e.code).toBe('E_DATASET_NOT_BUILT');
    const { manifest, feeds } = await loadDataset(home, 'TINY', { ensure });
    expect(feeds['1h'].length).toBe(BASE_BARS);
    expect(feeds['1h'].time[0]).toBe(Date.UTC(2024, 0, 1, 5));
    expect(manifest.hash).toBe(readBuilt(datasetDir(home, 'TINY'))!.manifest.hash);
  }, 120_000);

  it('shared memory holds the same candles as an in-process load, decoded on the thread or here', async () => {
    const local = await loadDataset(home, 'TINY');
    // TINY is small, so it decodes here by default; a limit of 0 bytes sends it to the loader thread.
    for (const decodeHereBelow of [0, undefined]) {
      const { manifest, shared } = await loadSharedDataset(home, 'TINY', { ensure }, decodeHereBelow);
      expect(shared.contentHash).toBe(manifest.hash);
      const feeds = sharedFeeds(shared);
      for (const tf of ['1h', '4h', '1d']) {
        expect(feeds[tf].close.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(Array.from(feeds[tf].close)).toEqual(Array.from(local.feeds[tf].close));
        expect(Array.from(feeds[tf].time)).toEqual(Array.from(local.feeds[tf].time));
      }
    }
  }, 60_000);

  it("a run's pinned hash is checked once, against the manifest, before any Parquet file is read", async () => {
    const built = readBuilt(datasetDir(home, 'TINY'))!;
    const now = built.manifest.hash;
    const pin = { hash: 'f'.repeat(64), runId: 'r1', fix: 'start a new run' };
    const other = await caught(loadSharedDataset(home, 'TINY', { pin }));
    expect(other.code).toBe('E_RUN_DATASET');
    expect(other.message).toBe(
      `run r1 was made on dataset TINY with content hash ffffffffffff, which is now ${now.slice(0, 12)}`,
    );
    expect(other.fix).toBe('the dataset was rebuilt with other candles; start a new run');
    // With a file gone, a wrong pin still reports the pin (nothing was decoded); the right pin reaches
    // the decoder, which names the missing file.
    fs.rmSync(path.join(built.dir, built.manifest.timeframes[1].file));
    expect((await caught(loadDataset(home, 'TINY', { pin }))).code).toBe('E_RUN_DATASET');
    for (const decodeHereBelow of [0, undefined]) {
      const missing = await caught(loadSharedDataset(home, 'TINY', { pin: { ...pin, hash: now } }, decodeHereBelow));
      expect(missing.code).toBe('E_DATASET_FILE');
      expect(missing.message).toContain(built.manifest.timeframes[1].file);
    }
  }, 60_000);

  it('datasets ls reports a folder whose name no load would accept as damaged, naming why', () => {
    const odd = path.join(home.datasetsDir, 'has space');
    fs.mkdirSync(odd);
    fs.copyFileSync(
      path.join(readBuilt(datasetDir(home, 'TINY'))!.dir, 'manifest.json'),
      path.join(odd, 'manifest.json'),
    );
    const row = listDatasets(home).find((d) => d.name === 'has space');
    expect(row?.status).toBe('damaged');
    expect(row?.problem).toContain('is not a dataset name');
  });
});
