import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { preflight, type PreflightReport } from '../../../src/forge/store/check.js';
import { CandleStore } from '../../../src/forge/store/store.js';
import { tempStore } from '../../helpers/temp-store.js';

const H = 3_600_000;
const D = 86_400_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday
const DIR = path.resolve(__dirname, '../../../../shared/data');

const check = (r: PreflightReport, name: string) => {
  const c = r.checks.find((x) => x.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c;
};
const iso = (ts: number) => new Date(ts).toISOString();

describe('preflight on hand-made defects', () => {
  let store: CandleStore;
  tempStore('forge-check-', (s) => {
    store = s;
  });
  // 240 clean hourly bars (10 days) from T0, inserted straight with SQL.
  beforeEach(async () => {
    await store.run('DELETE FROM candles');
    await store.run('DELETE FROM symbols');
    await store.run(
      `INSERT INTO candles SELECT 'T', '1h', ts, 100, 101, 99, 100.5, 10, 'test', false FROM range(${T0}, ${T0 + 240 * H}, ${H}) r(ts)`,
    );
  });

  it('passes a clean series, every check pass', async () => {
    const r = await preflight(store, { symbol: 'T', tf: '1h' });
    expect(r.ok).toBe(true);
    expect(r.bars).toBe(240);
    expect(r.first).toBe(T0);
    expect(r.last).toBe(T0 + 239 * H);
    expect(r.checks.map((c) => c.name)).toEqual([
      'monotonic',
      'duplicates',
      'alignment',
      'gaps',
      'ohlc',
      'repaired',
      'prices',
      'coverage',
    ]);
    for (const c of r.checks) expect(c.status, c.name).toBe('pass');
  });

  it('names a gap: how many bars and where', async () => {
    await store.run(`DELETE FROM candles WHERE ts IN (${T0 + 50 * H}, ${T0 + 51 * H}, ${T0 + 52 * H})`);
    const r = await preflight(store, { symbol: 'T', tf: '1h' });
    expect(r.ok).toBe(false);
    const g = check(r, 'gaps');
    expect(g.status).toBe('fail');
    expect(g.count).toBe(3);
    expect(g.examples).toHaveLength(1);
    expect(g.examples[0].ts).toBe(T0 + 50 * H);
    expect(g.examples[0].reason).toContain('3 bars missing');
  });

  it('names a bar off the timeframe grid', async () => {
    await store.run(
      `INSERT INTO candles VALUES ('T', '1h', ${T0 + 5 * H + 30 * 60_000}, 100, 101, 99, 100, 1, 'test', false)`,
    );
    const r = await preflight(store, { symbol: 'T', tf: '1h' });
    const a = check(r, 'alignment');
    expect(a.status).toBe('fail');
    expect(a.examples.map((e) => e.ts)).toEqual([T0 + 5 * H + 30 * 60_000]);
  });

  it('names every inconsistent OHLC bar with its reason', async () => {
    await store.run(`UPDATE candles SET high = 100.2 WHERE ts = ${T0 + 10 * H}`); // high < close 100.5
    await store.run(`UPDATE candles SET low = 100.1 WHERE ts = ${T0 + 20 * H}`); // low > open 100
    await store.run(`UPDATE candles SET high = 98, low = 102, open = 100, close = 100 WHERE ts = ${T0 + 30 * H}`); // high < low
    const r = await preflight(store, { symbol: 'T', tf: '1h' });
    const o = check(r, 'ohlc');
    expect(o.status).toBe('fail');
    expect(o.count).toBe(3);
    expect(o.examples.map((e) => e.ts)).toEqual([T0 + 10 * H, T0 + 20 * H, T0 + 30 * H]);
    expect(o.examples[0].reason).toContain('high 100.2 < max(open, close) 100.5');
    expect(o.examples[1].reason).toContain('low 100.1 > min(open, close) 100');
    expect(o.examples[2].reason).toContain('high 98 < low 102');
    expect(r.ok).toBe(false);
  });

  it('warns (does not fail) on bars import repaired, naming each', async () => {
    await store.run(`UPDATE candles SET repaired = true WHERE ts IN (${T0 + 7 * H}, ${T0 + 8 * H})`);
    const r = await preflight(store, { symbol: 'T', tf: '1h' });
    const w = check(r, 'repaired');
    expect(w.status).toBe('warn');
    expect(w.examples.map((e) => e.ts)).toEqual([T0 + 7 * H, T0 + 8 * H]);
    expect(r.ok).toBe(true);
  });

  it('names zero, negative, NaN and infinite prices and a negative volume', async () => {
    await store.run(`UPDATE candles SET open = 0 WHERE ts = ${T0 + 1 * H}`);
    await store.run(`UPDATE candles SET close = 'nan'::DOUBLE WHERE ts = ${T0 + 2 * H}`);
    await store.run(`UPDATE candles SET high = 'inf'::DOUBLE WHERE ts = ${T0 + 3 * H}`);
    await store.run(`UPDATE candles SET low = -1 WHERE ts = ${T0 + 4 * H}`);
    await store.run(`UPDATE candles SET volume = -5 WHERE ts = ${T0 + 6 * H}`);
    const r = await preflight(store, { symbol: 'T', tf: '1h' });
    const p = check(r, 'prices');
    expect(p.status).toBe('fail');
    expect(p.examples.map((e) => e.ts)).toEqual([1, 2, 3, 4, 6].map((k) => T0 + k * H));
    expect(p.examples[0].reason).toBe('open 0');
    expect(p.examples[1].reason).toMatch(/close NaN/);
    expect(p.examples[2].reason).toMatch(/high Infinity/);
    expect(p.examples[3].reason).toBe('low -1');
    expect(p.examples[4].reason).toBe('volume -5');
    // The NaN bar is a price problem, not also an OHLC one.
    expect(check(r, 'ohlc').examples.map((e) => e.ts)).not.toContain(T0 + 2 * H);
  });

  it('checks coverage of a window with warm-up, naming what is missing and where', async () => {
    // Window from bar 10 with 20 warm-up bars: only 10 exist before it.
    const r = await preflight(store, { symbol: 'T', tf: '1h', from: T0 + 10 * H, to: T0 + 100 * H, warmupBars: 20 });
    const c = check(r, 'coverage');
    expect(c.status).toBe('fail');
    expect(c.count).toBe(10);
    expect(c.detail).toContain('10 of 20 warm-up bars missing before ' + iso(T0).replace('.000Z', 'Z'));
    // Window runs 5 bars past the data.
    const end = await preflight(store, { symbol: 'T', tf: '1h', from: T0 + 100 * H, to: T0 + 245 * H, warmupBars: 20 });
    const e = check(end, 'coverage');
    expect(e.status).toBe('fail');
    expect(e.count).toBe(5);
    expect(e.examples[0].ts).toBe(T0 + 240 * H);
    expect(e.detail).toContain('5 bars missing at the end');
    // Fully covered, warm-up included: the checks only look at the warm-up bars and the window.
    const ok = await preflight(store, { symbol: 'T', tf: '1h', from: T0 + 100 * H, to: T0 + 200 * H, warmupBars: 20 });
    expect(ok.ok).toBe(true);
    expect(ok.bars).toBe(120);
    expect(ok.first).toBe(T0 + 80 * H);
    // A gap inside the warm-up counts; one before it does not.
    await store.run(`DELETE FROM candles WHERE ts IN (${T0 + 90 * H}, ${T0 + 30 * H})`);
    const g = await preflight(store, { symbol: 'T', tf: '1h', from: T0 + 100 * H, to: T0 + 200 * H, warmupBars: 20 });
    expect(check(g, 'gaps').examples.map((x) => x.ts)).toEqual([T0 + 90 * H]);
    // Window start missing.
    const s = await preflight(store, { symbol: 'T', tf: '1h', from: T0 - 3 * H, to: T0 + 10 * H });
    expect(check(s, 'coverage').count).toBe(3);
    expect(check(s, 'coverage').detail).toContain('3 bars missing at the start');
  });

  it('fails an unknown symbol or timeframe with a hint', async () => {
    const r = await preflight(store, { symbol: 'T', tf: '4h' });
    expect(r.ok).toBe(false);
    expect(check(r, 'coverage').detail).toContain('T is stored as 1h');
    const u = await preflight(store, { symbol: 't', tf: '1h' });
    expect(check(u, 'coverage').detail).toContain("did you mean 'T'");
  });

  describe('market calendars', () => {
    // Forex-like: hourly bars Monday 00:00 to Friday 20:00 UTC (close 21:00), 3 weeks.
    const forex = async () => {
      await store.run('DELETE FROM candles');
      await store.run(
        `INSERT INTO candles SELECT 'FX', '1h', ts, 1.1, 1.2, 1.0, 1.1, 10, 'test', false FROM range(${T0}, ${T0 + 21 * D}, ${H}) r(ts)
         WHERE isodow(make_timestamp(ts * 1000)) <= 4 OR (isodow(make_timestamp(ts * 1000)) = 5 AND hour(make_timestamp(ts * 1000)) < 21)`,
      );
    };
    it('passes weekend gaps under weekdays and fails them under 24x7', async () => {
      await forex();
      const wd = await preflight(store, { symbol: 'FX', tf: '1h', calendar: 'weekdays' });
      expect(check(wd, 'gaps').status).toBe('pass');
      expect(check(wd, 'gaps').detail).toContain('2 weekend');
      expect(wd.ok).toBe(true);
      const all = await preflight(store, { symbol: 'FX', tf: '1h', calendar: '24x7' });
      expect(check(all, 'gaps').status).toBe('fail');
      expect(check(all, 'gaps').count).toBe(2 * 51); // Fri 21:00 .. Sun 23:00
      expect(check(all, 'gaps').examples.map((e) => e.ts)).toEqual([T0 + 4 * D + 21 * H, T0 + 11 * D + 21 * H]);
      // Default calendar comes from the symbols table.
      await store.run(`INSERT INTO symbols VALUES ('FX', 'weekdays')`);
      expect((await preflight(store, { symbol: 'FX', tf: '1h' })).ok).toBe(true);
    });
    it('fails a weekday outage under weekdays', async () => {
      await forex();
      // Wednesday to Friday of week 2 missing: three weekday dates, not a holiday.
      await store.run(`DELETE FROM candles WHERE ts >= ${T0 + 9 * D} AND ts < ${T0 + 11 * D + 12 * H}`);
      const r = await preflight(store, { symbol: 'FX', tf: '1h', calendar: 'weekdays' });
      expect(check(r, 'gaps').status).toBe('fail');
      expect(check(r, 'gaps').examples[0].ts).toBe(T0 + 9 * D);
    });
    it('allows isolated holidays on daily bars', async () => {
      await store.run('DELETE FROM candles');
      await store.run(
        `INSERT INTO candles SELECT 'STK', '1d', ts, 10, 11, 9, 10, 10, 'test', false FROM range(${T0}, ${T0 + 28 * D}, ${D}) r(ts)
         WHERE isodow(make_timestamp(ts * 1000)) <= 5`,
      );
      await store.run(`DELETE FROM candles WHERE symbol = 'STK' AND ts IN (${T0 + 7 * D}, ${T0 + 18 * D})`); // a Monday, a Friday
      expect((await preflight(store, { symbol: 'STK', tf: '1d', calendar: 'weekdays' })).ok).toBe(true);
      await store.run(`DELETE FROM candles WHERE symbol = 'STK' AND ts IN (${T0 + 8 * D}, ${T0 + 9 * D})`); // Mon..Wed: 3 dates
      const r = await preflight(store, { symbol: 'STK', tf: '1d', calendar: 'weekdays' });
      expect(check(r, 'gaps').status).toBe('fail');
      expect(check(r, 'gaps').count).toBe(3);
    });
  });

  it('checks 140,000 bars with a warm-up window', async () => {
    await store.run('DELETE FROM candles');
    const M15 = 15 * 60_000;
    await store.run(
      `INSERT INTO candles SELECT 'BIG', '15m', ts, 100, 101, 99, 100.5, 10, 'test', false FROM range(${T0}, ${T0 + 140_000 * M15}, ${M15}) r(ts)`,
    );
    await preflight(store, { symbol: 'BIG', tf: '15m' }); // warm DuckDB up
    const r = await preflight(store, {
      symbol: 'BIG',
      tf: '15m',
      from: T0 + 1000 * M15,
      to: T0 + 140_000 * M15,
      warmupBars: 500,
    });
    expect(r.ok).toBe(true);
    expect(r.bars).toBe(139_500);
  });
});

/** The real ETHUSD_1h.csv, parsed here with no forge code: the bars whose OHLC is inconsistent. */
function ethInconsistent(): number[] {
  const lines = fs.readFileSync(path.join(DIR, 'ETHUSD_1h.csv'), 'utf8').trim().split('\n').slice(1);
  const out: number[] = [];
  for (const line of lines) {
    const [t, o, h, l, c] = line.split(',');
    const [op, hi, lo, cl] = [o, h, l, c].map(Number);
    if (hi < Math.max(op, cl) || lo > Math.min(op, cl) || hi < lo) out.push(Date.parse(t.replace(' ', 'T')));
  }
  return out;
}

describe.skipIf(!fs.existsSync(path.join(DIR, 'ETHUSD_1h.csv')))(
  'preflight on the real ETHUSD_1h.csv (needs ../shared/data)',
  () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-check-eth-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('names all 35 inconsistent bars: fail when kept as-is, warn when import repaired them', async () => {
      const expected = ethInconsistent();
      expect(expected).toHaveLength(35);
      const { importFile } = await import('../../../src/forge/store/import.js');
      const storePath = path.join(dir, 'forge.duckdb');
      const file = path.join(DIR, 'ETHUSD_1h.csv');
      await importFile(storePath, { file, symbol: 'ETH_KEEP', tf: '1h', ohlc: 'keep' });
      await importFile(storePath, { file, symbol: 'ETH_REPAIR', tf: '1h' });
      const store = await CandleStore.open(storePath, { readOnly: true });
      try {
        const kept = await preflight(store, { symbol: 'ETH_KEEP', tf: '1h' });
        expect(kept.ok).toBe(false);
        expect(kept.bars).toBe(36_577);
        expect(check(kept, 'ohlc').status).toBe('fail');
        expect(check(kept, 'ohlc').count).toBe(35);
        expect(check(kept, 'ohlc').examples.map((e) => e.ts)).toEqual(expected);
        expect(kept.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['ohlc']);

        const repaired = await preflight(store, { symbol: 'ETH_REPAIR', tf: '1h' });
        expect(repaired.ok).toBe(true);
        expect(check(repaired, 'ohlc').status).toBe('pass');
        expect(check(repaired, 'repaired').status).toBe('warn');
        expect(check(repaired, 'repaired').examples.map((e) => e.ts)).toEqual(expected);
      } finally {
        store.close();
      }
    });
  },
);
