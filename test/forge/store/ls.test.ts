import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { listStored } from '../../../src/forge/store/ls.js';
import { CandleStore, summaryPath } from '../../../src/forge/store/store.js';
import { upsertCandles } from '../../../src/forge/store/write.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-ls-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function bars(start: number, step: number, n: number) {
  const ts = Float64Array.from({ length: n }, (_, i) => start + i * step);
  const p = new Float64Array(n).fill(10);
  return { ts, open: p, high: p, low: p, close: p, volume: p };
}

describe('forge data ls', () => {
  it('says the store does not exist, with a fix, instead of creating it', async () => {
    const storePath = path.join(root, 'none', 'forge.duckdb');
    const err = await listStored(storePath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForgeError);
    expect((err as ForgeError).code).toBe('E_NO_STORE');
    expect((err as ForgeError).fix).toMatch(/forge data import/);
    expect(fs.existsSync(storePath)).toBe(false);
  });

  it('a store file whose writer was killed before creating its tables reads as empty, not a DuckDB error', async () => {
    // What a kill -9 early in a first import leaves (scripts/fault-inject.mjs hit it under load): the
    // file DuckDB created, without the schema. Readers cannot create tables in a read-only file.
    const storePath = path.join(root, 'bare', 'forge.duckdb');
    fs.mkdirSync(path.dirname(storePath), { recursive: true });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(storePath);
    (await instance.connect()).closeSync();
    instance.closeSync();
    expect((await listStored(storePath)).series).toEqual([]);
    // The writer's next open creates the real tables; the reader's stand-ins never shadow them.
    const store = await CandleStore.open(storePath);
    await store.transaction((s) =>
      upsertCandles(s, { symbol: 'BARE', tf: '1h', source: 'bare.csv', ...bars(0, 3_600_000, 3) }),
    );
    store.close();
    expect((await listStored(storePath)).series.map((r) => [r.symbol, r.bars])).toEqual([['BARE', 3]]);
  });

  it("a summary temp file left by a writer killed mid-write is removed by the next writer's open", async () => {
    // scripts/fault-inject.mjs hit this: kill -9 between writing the summary's temp file and its rename.
    const storePath = path.join(root, 'killed', 'forge.duckdb');
    fs.mkdirSync(path.dirname(storePath), { recursive: true });
    const leftover = `${summaryPath(storePath)}.tmp-999999-1796233853573`;
    fs.writeFileSync(leftover, '{"at":');
    const other = path.join(path.dirname(storePath), 'notes.txt.tmp-1'); // not the store's: left alone
    fs.writeFileSync(other, 'x');
    const store = await CandleStore.open(storePath);
    store.close();
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
  });

  it('lists symbol, timeframe, bars, first/last, sources and repaired count, sorted', async () => {
    const storePath = path.join(root, 'a', 'forge.duckdb');
    const store = await CandleStore.open(storePath);
    const h = 3_600_000;
    await store.transaction(async (s) => {
      await upsertCandles(s, {
        symbol: 'ETHUSDT',
        tf: '4h',
        source: 'synthetic',
        ...bars(Date.UTC(2023, 0, 1), 4 * h, 6),
      });
      const first = bars(Date.UTC(2022, 0, 1), h, 10);
      const repaired = new Uint8Array(10);
      repaired[2] = 1;
      repaired[7] = 1;
      await upsertCandles(s, { symbol: 'ETHUSDT', tf: '1h', source: 'ETHUSD_1h.csv', ...first, repaired });
      await upsertCandles(s, {
        symbol: 'ETHUSDT',
        tf: '1h',
        source: 'more.csv',
        ...bars(Date.UTC(2022, 0, 1, 10), h, 5),
      });
      await upsertCandles(s, {
        symbol: 'BTCUSDT',
        tf: '1d',
        source: 'b.csv',
        ...bars(Date.UTC(2020, 5, 1), 24 * h, 3),
      });
      await s.run(`INSERT INTO symbols VALUES ('BTCUSDT', 'weekdays')`);
    });
    store.close();
    const all = (await listStored(storePath)).series;
    expect(all).toEqual([
      {
        symbol: 'BTCUSDT',
        tf: '1d',
        bars: 3,
        first: '2020-06-01T00:00:00Z',
        last: '2020-06-03T00:00:00Z',
        sources: ['b.csv'],
        repaired: 0,
        calendar: 'weekdays',
      },
      {
        symbol: 'ETHUSDT',
        tf: '1h',
        bars: 15,
        first: '2022-01-01T00:00:00Z',
        last: '2022-01-01T14:00:00Z',
        sources: ['ETHUSD_1h.csv', 'more.csv'],
        repaired: 2,
        calendar: '24x7',
      },
      {
        symbol: 'ETHUSDT',
        tf: '4h',
        bars: 6,
        first: '2023-01-01T00:00:00Z',
        last: '2023-01-01T20:00:00Z',
        sources: ['synthetic'],
        repaired: 0,
        calendar: '24x7',
      },
    ]);
    expect((await listStored(storePath, 'BTCUSDT')).series.map((r) => r.tf)).toEqual(['1d']);
    const err = await listStored(storePath, 'ETHUSD').catch((e: unknown) => e);
    expect((err as ForgeError).code).toBe('E_NO_SYMBOL');
    expect((err as ForgeError).message).toMatch(/no candles for 'ETHUSD', did you mean 'ETHUSDT'\?/);
  });
});
