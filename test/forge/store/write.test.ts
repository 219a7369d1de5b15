import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CandleStore } from '../../../src/forge/store/store.js';
import { upsertCandles } from '../../../src/forge/store/write.js';

const dirs: string[] = [];
function tmpStore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-write-'));
  dirs.push(dir);
  return path.join(dir, 'forge.duckdb');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function series(n: number, start = Date.UTC(2021, 0, 1), stepMs = 900_000, bump = 0) {
  const ts = new Float64Array(n);
  const open = new Float64Array(n),
    high = new Float64Array(n),
    low = new Float64Array(n),
    close = new Float64Array(n),
    volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = start + i * stepMs;
    open[i] = 100 + i * 0.01 + bump;
    close[i] = open[i] + 0.5;
    high[i] = close[i] + 1;
    low[i] = open[i] - 1;
    volume[i] = 10 + (i % 7);
  }
  return { symbol: 'TEST', tf: '15m', source: 'synthetic', ts, open, high, low, close, volume };
}

describe('upsertCandles', () => {
  it('inserts 140k rows, then reports them unchanged, then updated', async () => {
    const store = await CandleStore.open(tmpStore());
    try {
      const c = series(140_000);
      const first = await store.transaction((s) => upsertCandles(s, c));
      expect(first).toEqual({ inserted: 140_000, updated: 0, unchanged: 0 });
      const again = await store.transaction((s) => upsertCandles(s, c));
      expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 140_000 });
      const rows = await store.all<{ n: number; lo: number; hi: number; sumv: number }>(
        `SELECT CAST(count(*) AS INTEGER) n, CAST(min(ts) AS DOUBLE) lo, CAST(max(ts) AS DOUBLE) hi, sum(volume) sumv FROM candles`,
      );
      expect(rows[0].n).toBe(140_000);
      expect(rows[0].lo).toBe(Date.UTC(2021, 0, 1));
      expect(rows[0].hi).toBe(Date.UTC(2021, 0, 1) + 139_999 * 900_000);
      // volume is 10 + i%7: 20,000 full cycles of 10+11+...+16 = 91
      expect(rows[0].sumv).toBe(20_000 * 91);
    } finally {
      store.close();
    }
  });

  it('counts inserted/updated/unchanged on overlap and stores the repaired flag', async () => {
    const store = await CandleStore.open(tmpStore());
    try {
      await store.transaction((s) => upsertCandles(s, series(10)));
      // rows 5..14: 5..9 overlap; bump 5..7 by changing values
      const next = series(10, Date.UTC(2021, 0, 1) + 5 * 900_000);
      for (let i = 0; i < 10; i++) {
        const orig = 100 + (i + 5) * 0.01;
        next.open[i] = orig;
        next.close[i] = orig + 0.5;
        next.high[i] = orig + 1.5;
        next.low[i] = orig - 1;
        next.volume[i] = 10 + ((i + 5) % 7);
      }
      next.close[0] = 999;
      next.high[0] = 1000; // row 5 changes
      const repaired = new Uint8Array(10);
      repaired[1] = 1; // row 6 changes only by its flag
      const r = await store.transaction((s) => upsertCandles(s, { ...next, repaired }));
      expect(r).toEqual({ inserted: 5, updated: 2, unchanged: 3 });
      const rows = await store.all<{ ts: number; close: number; repaired: boolean }>(
        `SELECT CAST(ts AS DOUBLE) ts, close, repaired FROM candles WHERE ts IN (${Date.UTC(2021, 0, 1) + 5 * 900_000}, ${Date.UTC(2021, 0, 1) + 6 * 900_000}) ORDER BY ts`,
      );
      expect(rows.map((x) => [x.close, x.repaired])).toEqual([
        [999, false],
        [100 + 6 * 0.01 + 0.5, true],
      ]);
    } finally {
      store.close();
    }
  });

  it('rolls back with the surrounding transaction', async () => {
    const store = await CandleStore.open(tmpStore());
    try {
      await expect(
        store.transaction(async (s) => {
          await upsertCandles(s, series(100));
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const rows = await store.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) n FROM candles`);
      expect(rows[0].n).toBe(0);
    } finally {
      store.close();
    }
  });
});
