import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { resampleSql, storeResampled } from '../../../src/forge/store/resample.js';
import { CandleStore } from '../../../src/forge/store/store.js';
import { tempStore } from '../../helpers/temp-store.js';

const H = 3_600_000;
const D = 86_400_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday
const DIR = path.resolve(__dirname, '../../../../shared/data');

interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

async function resampled(
  store: CandleStore,
  symbol: string,
  base: string,
  target: string,
  window?: { from?: number; to?: number },
): Promise<Bar[]> {
  const { sql, params } = resampleSql(symbol, base, target, window);
  const rows = await store.all<Record<string, number | bigint>>(sql, params);
  return rows.map((r) => ({
    ts: Number(r.ts),
    open: Number(r.open),
    high: Number(r.high),
    low: Number(r.low),
    close: Number(r.close),
    volume: Number(r.volume),
  }));
}

describe('resampleSql on a hand-made series', () => {
  let store: CandleStore;
  tempStore('forge-resample-', (s) => {
    store = s;
  });
  // 48 hourly bars, bar k: open k+100, high k+110, low k+90, close k+101, volume k+1.
  beforeEach(async () => {
    await store.run('DELETE FROM candles');
    await store.run(
      `INSERT INTO candles SELECT 'S', '1h', ${T0} + k * ${H}, k + 100, k + 110, k + 90, k + 101, k + 1, 'test', false FROM range(0, 48) r(k)`,
    );
  });

  it('aggregates first open, max high, min low, last close, summed volume (hand-computed)', async () => {
    const bars = await resampled(store, 'S', '1h', '4h');
    expect(bars).toHaveLength(12);
    // Bucket 1 holds bars k = 4..7.
    expect(bars[1]).toEqual({ ts: T0 + 4 * H, open: 104, high: 117, low: 94, close: 108, volume: 5 + 6 + 7 + 8 });
    const days = await resampled(store, 'S', '1h', '1d');
    expect(days).toEqual([
      { ts: T0, open: 100, high: 133, low: 90, close: 124, volume: (24 * 25) / 2 },
      { ts: T0 + D, open: 124, high: 157, low: 114, close: 148, volume: (48 * 49) / 2 - (24 * 25) / 2 },
    ]);
  });

  it('drops a bucket with a missing base bar, and the ragged ends', async () => {
    await store.run(`DELETE FROM candles WHERE ts = ${T0 + 9 * H}`); // inside the 4h bucket 08:00
    const bars = await resampled(store, 'S', '1h', '4h');
    expect(bars.map((b) => (b.ts - T0) / H)).toEqual([0, 4, 12, 16, 20, 24, 28, 32, 36, 40, 44]);
    expect((await resampled(store, 'S', '1h', '1d')).map((b) => b.ts)).toEqual([T0 + D]);
    // Ragged ends: data from 02:00 to 45:00 leaves the first and last 4h buckets incomplete.
    await store.run(`DELETE FROM candles WHERE ts < ${T0 + 2 * H} OR ts > ${T0 + 45 * H}`);
    const ragged = await resampled(store, 'S', '1h', '4h');
    expect(ragged[0].ts).toBe(T0 + 4 * H);
    expect(ragged[ragged.length - 1].ts).toBe(T0 + 40 * H);
    expect(await resampled(store, 'S', '1h', '1d')).toHaveLength(0);
  });

  it('ignores base bars off the grid (they would fake a complete bucket)', async () => {
    await store.run(`DELETE FROM candles WHERE ts = ${T0 + 1 * H}`);
    await store.run(`INSERT INTO candles VALUES ('S', '1h', ${T0 + 90 * 60_000}, 1, 1, 1, 1, 1, 'test', false)`);
    const bars = await resampled(store, 'S', '1h', '4h');
    expect(bars[0].ts).toBe(T0 + 4 * H);
  });

  it('windows on bucket start [from, to)', async () => {
    const bars = await resampled(store, 'S', '1h', '4h', { from: T0 + 8 * H, to: T0 + 20 * H });
    expect(bars.map((b) => (b.ts - T0) / H)).toEqual([8, 12, 16]);
    // A from inside a bucket drops that (partial) bucket.
    expect((await resampled(store, 'S', '1h', '4h', { from: T0 + 9 * H }))[0].ts).toBe(T0 + 12 * H);
  });

  it('starts weekly buckets on Monday 00:00 UTC', async () => {
    await store.run('DELETE FROM candles');
    // 1d bars from Thursday 2023-12-28 for 25 days: complete weeks are Jan 1 and Jan 8 2024 (Mondays).
    const start = Date.UTC(2023, 11, 28);
    await store.run(
      `INSERT INTO candles SELECT 'S', '1d', ${start} + k * ${D}, 10, 12, 8, 11, k, 'test', false FROM range(0, 25) r(k)`,
    );
    const weeks = await resampled(store, 'S', '1d', '1w');
    expect(weeks.map((w) => new Date(w.ts).toISOString())).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-08T00:00:00.000Z',
      '2024-01-15T00:00:00.000Z',
    ]);
    expect(weeks[0].volume).toBe(4 + 5 + 6 + 7 + 8 + 9 + 10);
  });

  it('rejects a target that is not a multiple of the base', () => {
    expect(() => resampleSql('S', '4h', '6h')).toThrow(ForgeError);
    expect(() => resampleSql('S', '4h', '1h')).toThrow(/not a whole multiple/);
    expect(() => resampleSql('S', '1h', '4x')).toThrow(/to-tf/);
  });

  it('stores derived bars in one transaction, idempotently, never over real ones', async () => {
    const r = await storeResampled(store, { symbol: 'S', baseTf: '1h', targetTf: '4h' });
    expect(r).toMatchObject({ bars: 12, inserted: 12, updated: 0 });
    const again = await storeResampled(store, { symbol: 'S', baseTf: '1h', targetTf: '4h' });
    expect(again).toMatchObject({ bars: 12, inserted: 0, updated: 0, unchanged: 12 });
    const src = await store.all<{ source: string; n: number }>(
      `SELECT source, CAST(count(*) AS INTEGER) AS n FROM candles WHERE tf = '4h' GROUP BY source`,
    );
    expect(src).toEqual([{ source: 'derived:1h', n: 12 }]);
    // A repaired base bar marks its bucket repaired.
    await store.run(`UPDATE candles SET repaired = true WHERE tf = '1h' AND ts = ${T0 + 5 * H}`);
    await storeResampled(store, { symbol: 'S', baseTf: '1h', targetTf: '4h' });
    const rep = await store.all<{ ts: number }>(
      `SELECT CAST(ts AS DOUBLE) AS ts FROM candles WHERE tf = '4h' AND repaired`,
    );
    expect(rep).toEqual([{ ts: T0 + 4 * H }]);
    // Imported 1d bars are never overwritten.
    await store.run(`INSERT INTO candles VALUES ('S', '1d', ${T0 + D}, 1, 2, 0.5, 1, 1, 'S_1d.csv', false)`);
    await expect(storeResampled(store, { symbol: 'S', baseTf: '1h', targetTf: '1d' })).rejects.toThrow(/S_1d.csv/);
    const d = await store.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM candles WHERE tf = '1d'`);
    expect(d[0].n).toBe(1);
  });
});

/** Independent reference: parse the CSV and bucket with Math.floor(ts / bucket), complete buckets only. */
function referenceBuckets(file: string, bucketMs: number): Bar[] {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const groups = new Map<number, Bar & { n: number }>();
  for (const line of lines) {
    const [t, o, h, l, c, v] = line.split(',');
    const ts = Date.parse(t.replace(' ', 'T'));
    const key = Math.floor(ts / bucketMs) * bucketMs;
    const g = groups.get(key);
    // CSV rows are in time order, so the first row of a bucket opens it and the last closes it.
    if (!g) groups.set(key, { ts: key, open: +o, high: +h, low: +l, close: +c, volume: +v, n: 1 });
    else {
      g.high = Math.max(g.high, +h);
      g.low = Math.min(g.low, +l);
      g.close = +c;
      g.volume += +v;
      g.n++;
    }
  }
  return [...groups.values()].filter((g) => g.n === bucketMs / H).map(({ n: _n, ...b }) => b);
}

describe.skipIf(!fs.existsSync(path.join(DIR, 'BTCUSD_1h.csv')))(
  'resample the real BTCUSD_1h.csv (needs ../shared/data)',
  () => {
    let dir: string;
    let store: CandleStore;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-resample-btc-'));
      const { importFile } = await import('../../../src/forge/store/import.js');
      const storePath = path.join(dir, 'forge.duckdb');
      await importFile(storePath, { file: path.join(DIR, 'BTCUSD_1h.csv'), symbol: 'BTCUSDT', tf: '1h' });
      store = await CandleStore.open(storePath, { readOnly: true });
    });
    afterAll(() => {
      store?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const [tf, ms] of [
      ['4h', 4 * H],
      ['1d', D],
    ] as const) {
      it(`${tf} bars match an independent computation from the CSV`, async () => {
        const expected = referenceBuckets(path.join(DIR, 'BTCUSD_1h.csv'), ms);
        const got = await resampled(store, 'BTCUSDT', '1h', tf);
        expect(got.length).toBe(expected.length);
        expect(got.length).toBeGreaterThan(tf === '4h' ? 9000 : 1500);
        for (let i = 0; i < got.length; i++) {
          const g = got[i],
            e = expected[i];
          if (
            g.ts !== e.ts ||
            g.open !== e.open ||
            g.high !== e.high ||
            g.low !== e.low ||
            g.close !== e.close ||
            Math.abs(g.volume - e.volume) > 1e-9 * e.volume
          ) {
            expect(g, `bar ${i}`).toEqual(e);
          }
        }
      });
    }
  },
);
