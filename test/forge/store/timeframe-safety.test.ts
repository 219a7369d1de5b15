import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { timeframeMs } from '../../../src/engine/timeframe.js';
import { importFile } from '../../../src/forge/store/import.js';
import { storeResampled } from '../../../src/forge/store/resample.js';
import { CandleStore, withStore } from '../../../src/forge/store/store.js';
import { MAX_GAP_BARS } from '../../../src/forge/store/spacing.js';
import { sharedDataDir } from '../../helpers/shared-data.js';

// Issue 12 point 3 (bar spacing vs --tf, --tf auto, months, the resample chain) and issue 10 point 10
// (a long gap is refused at import, or imported and reported under --skip-bad; calendar-aware).

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-tfsafe-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const SHARED = sharedDataDir();
const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;

let n = 0;
function fresh(): { dir: string; storePath: string } {
  const dir = path.join(root, `t${n++}`);
  fs.mkdirSync(dir);
  return { dir, storePath: path.join(dir, 'data', 'forge.duckdb') };
}
function csv(dir: string, name: string, times: readonly number[], price = (i: number) => 100 + (i % 50)): string {
  const lines = times.map(
    (t, i) => `${new Date(t).toISOString()},${price(i)},${price(i) + 2},${price(i) - 2},${price(i) + 1},${i % 9}`,
  );
  const file = path.join(dir, name);
  fs.writeFileSync(file, ['datetime,open,high,low,close,volume', ...lines].join('\n') + '\n');
  return file;
}
async function rejects(p: Promise<unknown>, code: string): Promise<ForgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForgeError);
  expect((err as ForgeError).code).toBe(code);
  return err as ForgeError;
}
async function count(storePath: string): Promise<number> {
  if (!fs.existsSync(storePath)) return 0;
  return withStore(
    storePath,
    { readOnly: true },
    async (s) => (await s.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) n FROM candles'))[0].n,
  );
}

describe('bar spacing against --tf', () => {
  it('refuses daily bars imported as 1h, naming both, and stores nothing', async () => {
    const { dir, storePath } = fresh();
    const file = csv(
      dir,
      'daily.csv',
      Array.from({ length: 40 }, (_, i) => Date.UTC(2023, 0, 1) + i * D),
    );
    const e = await rejects(importFile(storePath, { file, symbol: 'X', tf: '1h' }), 'E_TF_MISMATCH');
    expect(e.message).toContain('--tf 1h');
    expect(e.message).toContain('1d apart');
    expect(e.fix).toContain('--tf 1d');
    expect(await count(storePath)).toBe(0);
  });

  it('--tf auto detects 15m, 1d and 1w', async () => {
    const cases: [string, number][] = [
      ['15m', 15 * M],
      ['1d', D],
      ['1w', 7 * D],
    ];
    for (const [tf, ms] of cases) {
      const { dir, storePath } = fresh();
      const start = Date.UTC(2024, 0, 1); // a Monday: weekly bars start on Mondays
      const file = csv(
        dir,
        `${tf}.csv`,
        Array.from({ length: 20 }, (_, i) => start + i * ms),
      );
      const r = await importFile(storePath, { file, symbol: 'X', tf: 'auto' });
      expect(r.tf).toBe(tf);
      expect(r.tfDetected).toBe(true);
      expect(r.inserted).toBe(20);
    }
  });

  it('1M is refused as a calendar month without suggesting 1m (minutes)', () => {
    for (const tf of ['1M', '3M']) {
      let err: unknown;
      try {
        timeframeMs(tf, '--tf');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ForgeError);
      const e = err as ForgeError;
      expect(e.code).toBe('E_TIMEFRAME_MONTH');
      expect(`${e.message} ${e.fix}`).not.toMatch(/\b1m\b/);
      expect(e.message).toContain('calendar month');
    }
    expect(timeframeMs('1w')).toBe(7 * D);
  });

  it.skipIf(!SHARED)(
    'real files: GOOG daily as 1h is refused, as auto is 1d; BTC monthly is refused as months',
    async () => {
      const { storePath } = fresh();
      const goog = path.join(SHARED!, 'GOOG_1d.csv');
      const e = await rejects(
        importFile(storePath, { file: goog, symbol: 'GOOG', tf: '1h', calendar: 'weekdays' }),
        'E_TF_MISMATCH',
      );
      expect(e.message).toMatch(/--tf 1h but its bars are 1d apart/);
      const r = await importFile(storePath, { file: goog, symbol: 'GOOG', tf: 'auto', calendar: 'weekdays' });
      expect(r.tf).toBe('1d');
      expect(r.inserted).toBe(2148);
      const before = await count(storePath);
      const m = await rejects(
        importFile(storePath, { file: path.join(SHARED!, 'BTCUSD_1M.csv'), symbol: 'BTCUSD', tf: 'auto' }),
        'E_TIMEFRAME_MONTH',
      );
      expect(m.message).not.toMatch(/\b1m\b/);
      await rejects(
        importFile(storePath, { file: path.join(SHARED!, 'BTCUSD_1M.csv'), symbol: 'BTCUSD', tf: '1d' }),
        'E_TIMEFRAME_MONTH',
      );
      expect(await count(storePath)).toBe(before);
    },
  );
});

describe('resample chain 1m -> 15m -> 1h -> 4h -> 1d -> 1w', () => {
  it('gives the weekly bars computed directly from the 1m bars', async () => {
    const { dir, storePath } = fresh();
    const start = Date.UTC(2024, 0, 1); // Monday
    const bars = 14 * 24 * 60; // two whole weeks of minutes
    const times = Array.from({ length: bars }, (_, i) => start + i * M);
    // A price path with no repeating pattern, so that a wrong bucket boundary changes the result.
    const price = (i: number) => 1000 + Math.round(100 * Math.sin(i / 97) + 37 * Math.cos(i / 13));
    const file = csv(dir, '1m.csv', times, price);
    await importFile(storePath, { file, symbol: 'X', tf: '1m' });
    const store = await CandleStore.open(storePath);
    try {
      const chain = ['1m', '15m', '1h', '4h', '1d', '1w'];
      for (let k = 1; k < chain.length; k++)
        await storeResampled(store, { symbol: 'X', baseTf: chain[k - 1], targetTf: chain[k] });
      const got = await store.all<{
        ts: number;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
      }>(
        `SELECT CAST(ts AS DOUBLE) ts, open, high, low, close, volume FROM candles WHERE symbol = 'X' AND tf = '1w' ORDER BY ts`,
      );
      const want = [0, 1].map((w) => {
        const idx = Array.from({ length: 7 * 24 * 60 }, (_, j) => w * 7 * 24 * 60 + j);
        return {
          ts: start + w * 7 * D,
          open: price(idx[0]),
          high: Math.max(...idx.map((i) => price(i) + 2)),
          low: Math.min(...idx.map((i) => price(i) - 2)),
          close: price(idx[idx.length - 1]) + 1,
          volume: idx.reduce((s, i) => s + (i % 9), 0),
        };
      });
      expect(got).toEqual(want);
    } finally {
      store.close();
    }
  }, 60_000);
});

describe(`a gap of ${MAX_GAP_BARS} bars or more at import`, () => {
  const hours = (skipFrom: number, skip: number, total: number) =>
    Array.from({ length: total }, (_, i) => Date.UTC(2024, 0, 1) + (i < skipFrom ? i : i + skip) * H);

  it(`refuses ${MAX_GAP_BARS} missing bars, accepts ${MAX_GAP_BARS - 1}; nothing is stored on refusal`, async () => {
    const { dir, storePath } = fresh();
    const e = await rejects(
      importFile(storePath, { file: csv(dir, 'gap.csv', hours(50, MAX_GAP_BARS, 100)), symbol: 'X', tf: '1h' }),
      'E_IMPORT_GAP',
    );
    expect(e.message).toContain(`${MAX_GAP_BARS} 1h bars missing from 2024-01-03T02:00:00Z`);
    expect(e.fix).toContain('--skip-bad');
    expect(await count(storePath)).toBe(0);
    const ok = await importFile(storePath, {
      file: csv(dir, 'small.csv', hours(50, MAX_GAP_BARS - 1, 100)),
      symbol: 'X',
      tf: '1h',
    });
    expect(ok.inserted).toBe(100);
    expect(ok.gaps).toEqual([]);
  });

  it('--skip-bad imports the file and reports the gap', async () => {
    const { dir, storePath } = fresh();
    const r = await importFile(storePath, {
      file: csv(dir, 'gap.csv', hours(50, 40, 100)),
      symbol: 'X',
      tf: '1h',
      skipBad: true,
    });
    expect(r.inserted).toBe(100);
    expect(r.gaps).toEqual(['40 1h bars missing from 2024-01-03T02:00:00Z to the next bar at 2024-01-04T18:00:00Z']);
  });

  it('a weekend is not a gap under the weekdays calendar, and is one under 24x7', async () => {
    const { dir, storePath } = fresh();
    // Weekday hours only (Mon 00:00 .. Fri 19:00), three weeks: each weekend skips 52 hourly bars.
    const times: number[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2024, 0, 22); t += H) {
      const dow = new Date(t).getUTCDay();
      if (dow === 0 || dow === 6 || (dow === 5 && new Date(t).getUTCHours() >= 20)) continue;
      times.push(t);
    }
    const file = csv(dir, 'fx.csv', times);
    await rejects(importFile(storePath, { file, symbol: 'FX', tf: '1h' }), 'E_IMPORT_GAP');
    const r = await importFile(storePath, { file, symbol: 'FX', tf: '1h', calendar: 'weekdays' });
    expect(r.inserted).toBe(times.length);
    // The recorded calendar holds for a later import without --calendar.
    const again = await importFile(storePath, { file, symbol: 'FX', tf: '1h' });
    expect(again.unchanged).toBe(times.length);
  });
});
