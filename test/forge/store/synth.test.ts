import { beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { generateCandles } from '../../../src/engine/synthetic.js';
import { preflight } from '../../../src/forge/store/check.js';
import type { CandleStore } from '../../../src/forge/store/store.js';
import { tempStore } from '../../helpers/temp-store.js';
import { storeSynthetic } from '../../../src/forge/store/synth.js';

const FROM = Date.UTC(2021, 0, 1);
const TO = Date.UTC(2025, 0, 1);
const M15 = 15 * 60_000;
const H = 3_600_000;

describe('storeSynthetic', () => {
  let store: CandleStore;
  tempStore('forge-synth-', (s) => {
    store = s;
  });
  beforeEach(async () => {
    await store.run('DELETE FROM candles');
  });

  it('stores 4 years of 15m bars, exactly the generated candles, and preflight passes them', async () => {
    const r = await storeSynthetic(store, {
      symbol: 'BTCUSDT',
      tf: '15m',
      from: FROM,
      to: TO,
      seed: 42,
      shape: 'cycle',
    });
    expect(r).toEqual({ bars: 1461 * 96, inserted: 1461 * 96, updated: 0 });

    const expected = generateCandles({ seed: 42, from: FROM, to: TO, tfMs: M15, shape: 'cycle' });
    const reader = await store.connection.runAndReadAll(
      `SELECT CAST(ts AS DOUBLE), open, high, low, close, volume FROM candles WHERE symbol = 'BTCUSDT' AND tf = '15m' ORDER BY ts`,
    );
    const cols = reader.getColumnsJS() as number[][];
    for (const [k, name] of (['time', 'open', 'high', 'low', 'close', 'volume'] as const).entries()) {
      expect(Buffer.from(Float64Array.from(cols[k]).buffer).equals(Buffer.from(expected[name].buffer)), name).toBe(
        true,
      );
    }
    const src = await store.all<{ source: string; repaired: boolean }>(`SELECT DISTINCT source, repaired FROM candles`);
    expect(src).toEqual([{ source: 'synthetic', repaired: false }]);

    const report = await preflight(store, {
      symbol: 'BTCUSDT',
      tf: '15m',
      from: Date.UTC(2021, 6, 1),
      to: TO,
      warmupBars: 200,
    });
    expect(report.ok).toBe(true);
  });

  it('is idempotent for the same seed and replaces the window for another', async () => {
    const o = { symbol: 'X', tf: '1h', from: FROM, to: FROM + 30 * 24 * H, seed: 'a' };
    expect(await storeSynthetic(store, o)).toEqual({ bars: 720, inserted: 720, updated: 0 });
    expect(await storeSynthetic(store, o)).toEqual({ bars: 720, inserted: 0, updated: 0 });
    expect(await storeSynthetic(store, { ...o, seed: 'b' })).toEqual({ bars: 720, inserted: 0, updated: 720 });
  });

  it('puts bars on the timeframe grid: a ragged from rounds up, weekly bars start Monday', async () => {
    const r = await storeSynthetic(store, {
      symbol: 'X',
      tf: '15m',
      from: FROM + 7 * 60_000,
      to: FROM + 2 * H,
      seed: 1,
    });
    expect(r.bars).toBe(7);
    const first = await store.all<{ t: number }>(`SELECT CAST(min(ts) AS DOUBLE) AS t FROM candles WHERE tf = '15m'`);
    expect(first[0].t).toBe(FROM + M15);
    await storeSynthetic(store, { symbol: 'X', tf: '1w', from: FROM, to: Date.UTC(2021, 2, 1), seed: 1 }); // 2021-01-01 is a Friday
    const weeks = await store.all<{ t: number }>(
      `SELECT CAST(ts AS DOUBLE) AS t FROM candles WHERE tf = '1w' ORDER BY ts`,
    );
    expect(new Date(weeks[0].t).toISOString()).toBe('2021-01-04T00:00:00.000Z');
    expect(weeks.every((w) => new Date(w.t).getUTCDay() === 1)).toBe(true);
    expect((await preflight(store, { symbol: 'X', tf: '1w' })).ok).toBe(true);
  });

  it('refuses to write over real candles, leaving the store unchanged', async () => {
    await store.run(
      `INSERT INTO candles VALUES ('BTCUSDT', '1h', ${FROM + 100 * H}, 1, 2, 0.5, 1.5, 3, 'BTCUSD_1h.csv', false)`,
    );
    const before = await store.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM candles');
    const err = await storeSynthetic(store, {
      symbol: 'BTCUSDT',
      tf: '1h',
      from: FROM,
      to: FROM + 1000 * H,
      seed: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect((err as ForgeError).code).toBe('E_SYNTH_REAL_DATA');
    expect((err as ForgeError).message).toContain('BTCUSD_1h.csv');
    expect((err as ForgeError).fix).toBeTruthy();
    const after = await store.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM candles');
    expect(after).toEqual(before);
    // Outside the real bars' window, or under another timeframe, synthetic bars are fine.
    expect(
      (await storeSynthetic(store, { symbol: 'BTCUSDT', tf: '1h', from: FROM + 200 * H, to: FROM + 300 * H, seed: 1 }))
        .bars,
    ).toBe(100);
    expect(
      (await storeSynthetic(store, { symbol: 'BTCUSDT', tf: '4h', from: FROM, to: FROM + 400 * H, seed: 1 })).bars,
    ).toBe(100);
  });

  it('validates its arguments, naming them', async () => {
    await expect(storeSynthetic(store, { symbol: 'X', tf: '15x', from: FROM, to: TO, seed: 1 })).rejects.toThrow(
      /tf: '15x'/,
    );
    await expect(storeSynthetic(store, { symbol: 'X', tf: '1h', from: TO, to: FROM, seed: 1 })).rejects.toThrow(
      /from\/to/,
    );
  });
});
