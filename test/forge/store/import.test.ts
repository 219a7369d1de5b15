import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { importFile, type ImportOptions } from '../../../src/forge/store/import.js';
import { listStored } from '../../../src/forge/store/ls.js';
import { CandleStore, withStore } from '../../../src/forge/store/store.js';
import { upsertCandles } from '../../../src/forge/store/write.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-import-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let dir: string;
let storePath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(root, 't-'));
  storePath = path.join(dir, 'data', 'forge.duckdb');
});

const HEADER = 'datetime,open,high,low,close,volume';
function hourLine(h: number, o = 100, hi = 110, lo = 90, c = 105, v = 7): string {
  return `${new Date(Date.UTC(2022, 0, 1, h)).toISOString().replace('.000Z', '+00:00').replace('T', ' ')},${o},${hi},${lo},${c},${v}`;
}
function writeFile(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
function good(n: number, name = 'good.csv'): string {
  return writeFile(
    name,
    [HEADER, ...Array.from({ length: n }, (_, h) => hourLine(h, 100 + h, 110 + h, 90 + h, 105 + h, h))].join('\n') +
      '\n',
  );
}
const opts = (file: string, extra: Partial<ImportOptions> = {}): ImportOptions => ({
  file,
  symbol: 'BTCUSDT',
  tf: '1h',
  ...extra,
});

/** Everything the store holds, as one string: equal before and after = unchanged. */
async function fingerprint(): Promise<string> {
  return withStore(storePath, { readOnly: true }, async (s) => {
    const c = await s.all<{ f: string | null }>(
      `SELECT string_agg(concat_ws('|', symbol, tf, ts, open, high, low, close, volume, source, repaired), ';' ORDER BY symbol, tf, ts) f FROM candles`,
    );
    const y = await s.all<{ f: string | null }>(
      `SELECT string_agg(symbol || '=' || calendar, ';' ORDER BY symbol) f FROM symbols`,
    );
    return `${c[0].f}#${y[0].f}`;
  });
}

async function expectForgeError(p: Promise<unknown>, code: string, message: RegExp): Promise<ForgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForgeError);
  const fe = err as ForgeError;
  expect(fe.code).toBe(code);
  expect(fe.message).toMatch(message);
  expect(fe.fix).toBeTruthy();
  return fe;
}

describe('import: counts and idempotency', () => {
  it('imports, then reimporting changes nothing', async () => {
    const file = good(24);
    const r1 = await importFile(storePath, opts(file));
    expect([r1.rowsRead, r1.inserted, r1.updated, r1.unchanged, r1.skipped.length, r1.repaired.length]).toEqual([
      24, 24, 0, 0, 0, 0,
    ]);
    expect(r1.first).toBe('2022-01-01T00:00:00Z');
    expect(r1.last).toBe('2022-01-01T23:00:00Z');
    const before = await fingerprint();
    const r2 = await importFile(storePath, opts(file));
    expect([r2.inserted, r2.updated, r2.unchanged]).toEqual([0, 0, 24]);
    expect(await fingerprint()).toBe(before);
    const rows = await withStore(storePath, { readOnly: true }, (s) =>
      s.all<{ ts: number; open: number; source: string }>(
        `SELECT CAST(ts AS DOUBLE) ts, open, source FROM candles ORDER BY ts LIMIT 2`,
      ),
    );
    expect(rows).toEqual([
      { ts: Date.UTC(2022, 0, 1, 0), open: 100, source: 'good.csv' },
      { ts: Date.UTC(2022, 0, 1, 1), open: 101, source: 'good.csv' },
    ]);
  });

  it('an overlapping file with a corrected bar reports inserted and updated', async () => {
    await importFile(storePath, opts(good(10)));
    const lines = [HEADER, ...Array.from({ length: 15 }, (_, h) => hourLine(h, 100 + h, 110 + h, 90 + h, 105 + h, h))];
    lines[1 + 3] = hourLine(3, 103, 113, 93, 108, 999); // volume corrected
    const r = await importFile(storePath, opts(writeFile('good.csv', lines.join('\n'))));
    expect([r.inserted, r.updated, r.unchanged]).toEqual([5, 1, 9]);
  });
});

describe('import: bad files are rejected whole, naming the line, store unchanged', () => {
  const cases: { name: string; lines: string[]; line: number; reason: RegExp; code?: string }[] = [
    {
      name: 'malformed number',
      lines: [hourLine(0), hourLine(1).replace(',101,', ',1o1,').replace(',100,', ',1x0,'), hourLine(2)],
      line: 3,
      reason: /open '1x0' is not a number/,
    },
    {
      name: 'NaN price',
      lines: [hourLine(0), hourLine(1).replace(',105,', ',NaN,')],
      line: 3,
      reason: /close 'NaN' is not a number/,
    },
    { name: 'empty price', lines: [hourLine(0), hourLine(1).replace(',110,', ',,')], line: 3, reason: /high is empty/ },
    {
      name: 'non-positive price',
      lines: [hourLine(0), hourLine(1).replace(',90,', ',-1,')],
      line: 3,
      reason: /low -1 is not positive/,
    },
    {
      name: 'duplicate timestamp',
      lines: [hourLine(0), hourLine(1), hourLine(1)],
      line: 4,
      reason: /duplicate timestamp 2022-01-01T01:00:00Z \(also on line 3\)/,
    },
    {
      name: 'unsorted',
      lines: [hourLine(0), hourLine(2), hourLine(1)],
      line: 4,
      reason: /2022-01-01T01:00:00Z is earlier than 2022-01-01T02:00:00Z on line 3: the file is not sorted/,
    },
    { name: 'wrong column count', lines: [hourLine(0), hourLine(1) + ',12'], line: 3, reason: /7 fields, expected 6/ },
    {
      name: 'unknown timestamp format',
      lines: [hourLine(0), '01/01/2022 01:00,100,110,90,105,7'],
      line: 3,
      reason: /unknown timestamp format '01\/01\/2022 01:00'/,
    },
    {
      name: 'misaligned timestamp',
      lines: [hourLine(0), hourLine(1).replace('01:00:00', '01:30:00')],
      line: 3,
      reason: /2022-01-01T01:30:00Z is not on the 1h grid/,
    },
    {
      name: 'high below low',
      lines: [hourLine(0), hourLine(1, 100, 80, 90, 85)],
      line: 3,
      reason: /high 80 is below low 90/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await importFile(storePath, opts(good(3, 'seed.csv'), { symbol: 'SEED' }));
      const before = await fingerprint();
      const file = writeFile('bad.csv', [HEADER, ...c.lines].join('\n') + '\n');
      const err = await expectForgeError(
        importFile(storePath, opts(file)),
        c.code ?? 'E_CSV_LINE',
        new RegExp(`bad\\.csv:${c.line}: `),
      );
      expect(err.message).toMatch(c.reason);
      expect(err.fix).toMatch(/--skip-bad/);
      expect(await fingerprint()).toBe(before);
    });
  }

  it('empty file (header only, or zero bytes)', async () => {
    await importFile(storePath, opts(good(3, 'seed.csv'), { symbol: 'SEED' }));
    const before = await fingerprint();
    await expectForgeError(
      importFile(storePath, opts(writeFile('empty.csv', HEADER + '\n'))),
      'E_EMPTY_FILE',
      /empty\.csv: no data rows/,
    );
    await expectForgeError(
      importFile(storePath, opts(writeFile('zero.csv', ''))),
      'E_EMPTY_FILE',
      /zero\.csv: no data rows/,
    );
    expect(await fingerprint()).toBe(before);
  });

  it('several bad lines: the first is named, the others counted', async () => {
    const file = writeFile('bad.csv', [HEADER, hourLine(0), 'x', hourLine(2), 'y', 'z'].join('\n'));
    await expectForgeError(
      importFile(storePath, opts(file)),
      'E_CSV_LINE',
      /bad\.csv:3: 1 fields, expected 6 \(and 2 more bad lines: 5, 6\)/,
    );
    expect(fs.existsSync(storePath)).toBe(false); // nothing was even opened
  });
});

describe('import --skip-bad', () => {
  it('imports the good lines and reports each skipped one', async () => {
    const file = writeFile(
      'mixed.csv',
      [
        HEADER,
        hourLine(0),
        hourLine(1).replace(',105,', ',NaN,'),
        hourLine(2),
        hourLine(2),
        hourLine(3),
        'junk',
        hourLine(4),
      ].join('\n'),
    );
    const r = await importFile(storePath, opts(file, { skipBad: true }));
    expect(r.rowsRead).toBe(7);
    expect(r.inserted).toBe(4);
    expect(r.skipped.map((b) => [b.line, b.reason])).toEqual([
      [3, "close 'NaN' is not a number"],
      [5, 'duplicate timestamp 2022-01-01T02:00:00Z (also on line 4)'],
      [7, '1 fields, expected 6'],
    ]);
  });
});

describe('import: inconsistent OHLC policy', () => {
  const lines = [HEADER, hourLine(0), hourLine(1, 100, 99, 90, 98), hourLine(2, 100, 120, 101, 105), hourLine(3)];
  it('repair (default) widens high/low, flags and reports each bar', async () => {
    const r = await importFile(storePath, opts(writeFile('o.csv', lines.join('\n'))));
    expect(r.repaired).toEqual([
      { line: 3, time: '2022-01-01T01:00:00Z', problem: 'high 99 < open 100', high: [99, 100], low: [90, 90] },
      { line: 4, time: '2022-01-01T02:00:00Z', problem: 'low 101 > open 100', high: [120, 120], low: [101, 100] },
    ]);
    const rows = await withStore(storePath, { readOnly: true }, (s) =>
      s.all<{ high: number; low: number; repaired: boolean }>(`SELECT high, low, repaired FROM candles ORDER BY ts`),
    );
    expect(rows).toEqual([
      { high: 110, low: 90, repaired: false },
      { high: 100, low: 90, repaired: true },
      { high: 120, low: 100, repaired: true },
      { high: 110, low: 90, repaired: false },
    ]);
    const ls = (await listStored(storePath)).series;
    expect(ls[0].repaired).toBe(2);
  });
  it('reject fails the file naming the lines', async () => {
    await expectForgeError(
      importFile(storePath, opts(writeFile('o.csv', lines.join('\n')), { ohlc: 'reject' })),
      'E_CSV_LINE',
      /o\.csv:3: inconsistent OHLC at 2022-01-01T01:00:00Z: high 99 < open 100 \(and 1 more bad line: 4\)/,
    );
    expect(fs.existsSync(storePath)).toBe(false);
  });
  it('keep stores them as they are', async () => {
    const r = await importFile(storePath, opts(writeFile('o.csv', lines.join('\n')), { ohlc: 'keep' }));
    expect(r.keptInconsistent).toEqual([3, 4]);
    expect(r.repaired).toEqual([]);
    const rows = await withStore(storePath, { readOnly: true }, (s) =>
      s.all<{ high: number; low: number }>(`SELECT high, low FROM candles ORDER BY ts`),
    );
    expect(rows[1]).toEqual({ high: 99, low: 90 });
    expect(rows[2]).toEqual({ high: 120, low: 101 });
  });
});

describe('import: real data wins over synthetic; calendar', () => {
  it('replaces the symbol/tf synthetic rows and reports how many', async () => {
    const n = 48; // synthetic covers 2 days, the file only the first
    const ts = Float64Array.from({ length: n }, (_, i) => Date.UTC(2022, 0, 1, i));
    const one = new Float64Array(n).fill(1);
    const store = await CandleStore.open(storePath);
    await store.transaction((s) =>
      upsertCandles(s, {
        symbol: 'BTCUSDT',
        tf: '1h',
        source: 'synthetic',
        ts,
        open: one,
        high: one,
        low: one,
        close: one,
        volume: one,
      }),
    );
    await store.transaction((s) =>
      upsertCandles(s, {
        symbol: 'BTCUSDT',
        tf: '4h',
        source: 'synthetic',
        ts: [Date.UTC(2022, 0, 1)],
        open: one.subarray(0, 1),
        high: one.subarray(0, 1),
        low: one.subarray(0, 1),
        close: one.subarray(0, 1),
        volume: one.subarray(0, 1),
      }),
    );
    store.close();
    const r = await importFile(storePath, opts(good(24)));
    expect(r.replacedSynthetic).toBe(48);
    expect([r.inserted, r.updated, r.unchanged]).toEqual([24, 0, 0]);
    const ls = (await listStored(storePath)).series;
    expect(ls.map((x) => [x.tf, x.bars, x.sources.join(',')])).toEqual([
      ['1h', 24, 'good.csv'],
      ['4h', 1, 'synthetic'],
    ]);
  });

  it('records the calendar, keeps it when not given', async () => {
    await importFile(storePath, opts(good(5), { symbol: 'EURUSD', calendar: 'weekdays' }));
    await importFile(storePath, opts(good(6), { symbol: 'EURUSD' }));
    expect((await listStored(storePath)).series[0].calendar).toBe('weekdays');
    await importFile(storePath, opts(good(6), { symbol: 'EURUSD', calendar: '24x7' }));
    expect((await listStored(storePath)).series[0].calendar).toBe('24x7');
  });

  it('refuses a bad --tf, --symbol or missing file before touching the store', async () => {
    await expectForgeError(
      importFile(storePath, opts(good(3), { tf: '1hr' })),
      'E_TIMEFRAME',
      /--tf: '1hr' is not a timeframe, did you mean '1h'\?/,
    );
    await expectForgeError(importFile(storePath, opts(good(3), { symbol: 'BTC USDT' })), 'E_ARG', /--symbol/);
    await expectForgeError(
      importFile(storePath, opts(path.join(dir, 'nope.csv'))),
      'E_NO_FILE',
      /nope\.csv: no such file/,
    );
    expect(fs.existsSync(storePath)).toBe(false);
  });
});

describe('import: Parquet', () => {
  async function writeParquet(name: string, select: string): Promise<string> {
    const file = path.join(dir, name);
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    await conn.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
    conn.closeSync();
    inst.closeSync();
    return file;
  }
  const bars = (timeExpr: string, extra = '') =>
    `SELECT ${timeExpr} AS ${extra || 'timestamp'}, 100.0 + i AS Open, 110.0 + i AS High, 90.0 + i AS Low, 105.0 + i AS Close, i * 2.0 AS Volume, 'x' AS note
     FROM range(6) r(i) ORDER BY i`;
  const variants: [string, string, string?][] = [
    ['TIMESTAMP', `TIMESTAMP '2022-01-01 00:00:00' + i * INTERVAL 1 HOUR`],
    ['TIMESTAMPTZ', `CAST('2022-01-01 00:00:00+00' AS TIMESTAMPTZ) + i * INTERVAL 1 HOUR`, 'datetime'],
    ['BIGINT ms', `CAST(1640995200000 + i * 3600000 AS BIGINT)`, 'open_time'],
    [
      'VARCHAR ISO',
      `strftime(TIMESTAMP '2022-01-01 00:00:00' + i * INTERVAL 1 HOUR, '%Y-%m-%d %H:%M:%S+00:00')`,
      'date',
    ],
  ];
  for (const [label, expr, col] of variants) {
    it(`time column as ${label}`, async () => {
      const file = await writeParquet('c.parquet', bars(expr, col));
      const r = await importFile(storePath, opts(file));
      expect(r.format).toBe('parquet');
      expect([r.rowsRead, r.inserted]).toEqual([6, 6]);
      const rows = await withStore(storePath, { readOnly: true }, (s) =>
        s.all<{ ts: number; open: number; volume: number }>(
          `SELECT CAST(ts AS DOUBLE) ts, open, volume FROM candles ORDER BY ts`,
        ),
      );
      expect(rows.map((x) => x.ts)).toEqual(Array.from({ length: 6 }, (_, i) => Date.UTC(2022, 0, 1, i)));
      expect(rows[5]).toEqual({ ts: Date.UTC(2022, 0, 1, 5), open: 105, volume: 10 });
      const again = await importFile(storePath, opts(file));
      expect([again.inserted, again.updated]).toEqual([0, 0]);
    });
  }
  it('a duplicate row and a null price are rejected with their row numbers', async () => {
    const file = await writeParquet(
      'bad.parquet',
      `SELECT * FROM (VALUES (TIMESTAMP '2022-01-01 00:00:00', 1.0, 2.0, 1.0, 2.0, 1.0, 1),
                             (TIMESTAMP '2022-01-01 01:00:00', 1.0, 2.0, 1.0, 2.0, 1.0, 2),
                             (TIMESTAMP '2022-01-01 01:00:00', 1.0, 2.0, 1.0, 2.0, 1.0, 3),
                             (TIMESTAMP '2022-01-01 02:00:00', 1.0, 2.0, NULL, 2.0, 1.0, 4))
         v(timestamp, open, high, low, close, volume, k) ORDER BY k`,
    );
    await expectForgeError(
      importFile(storePath, opts(file)),
      'E_PARQUET_ROW',
      /bad\.parquet: row 3: duplicate timestamp 2022-01-01T01:00:00Z \(also on row 2\) \(and 1 more bad row: 4\)/,
    );
    expect(fs.existsSync(storePath)).toBe(false);
  });
});

const DATA = path.resolve(__dirname, '../../../../shared/data');
describe.skipIf(!fs.existsSync(path.join(DATA, 'BTCUSD_1h.csv')))(
  'import: real files in ../shared/data (skipped when absent)',
  () => {
    it('BTCUSD_1h.csv stores 36,577 bars; importing again adds none', async () => {
      const r = await importFile(storePath, opts(path.join(DATA, 'BTCUSD_1h.csv')));
      expect([r.rowsRead, r.inserted, r.updated, r.repaired.length, r.skipped.length]).toEqual([
        36_577, 36_577, 0, 0, 0,
      ]);
      expect([r.first, r.last]).toEqual(['2022-01-01T00:00:00Z', '2026-03-05T00:00:00Z']);
      const r2 = await importFile(storePath, opts(path.join(DATA, 'BTCUSD_1h.csv')));
      expect([r2.inserted, r2.updated, r2.unchanged]).toEqual([0, 0, 36_577]);
      const ls = (await listStored(storePath)).series;
      expect(ls).toEqual([
        {
          symbol: 'BTCUSDT',
          tf: '1h',
          bars: 36_577,
          first: '2022-01-01T00:00:00Z',
          last: '2026-03-05T00:00:00Z',
          sources: ['BTCUSD_1h.csv'],
          repaired: 0,
          calendar: '24x7',
        },
      ]);
    });
    it('ETHUSD_1h.csv: 35 inconsistent bars repaired and reported; SOLUSD_1h.csv: 2', async () => {
      const eth = await importFile(storePath, opts(path.join(DATA, 'ETHUSD_1h.csv'), { symbol: 'ETHUSDT' }));
      expect(eth.repaired).toHaveLength(35);
      expect(eth.repaired[0].line).toBe(1608); // first one found by hand: 2022-03-08 22:00, low 2564.24 above open 2559.91
      expect(eth.repaired[0]).toMatchObject({ time: '2022-03-08T22:00:00Z', low: [2564.24, 2559.91] });
      const sol = await importFile(storePath, opts(path.join(DATA, 'SOLUSD_1h.csv'), { symbol: 'SOLUSDT' }));
      expect(sol.repaired).toHaveLength(2);
      await expectForgeError(
        importFile(storePath, opts(path.join(DATA, 'SOLUSD_1h.csv'), { symbol: 'SOLUSDT', ohlc: 'reject' })),
        'E_CSV_LINE',
        /SOLUSD_1h\.csv:\d+: inconsistent OHLC .*\(and 1 more bad line: \d+\)/,
      );
    });
    it('GOOG_1d.csv (unnamed date column) and EURUSD_1h.csv (no offset) import whole', async () => {
      const goog = await importFile(
        storePath,
        opts(path.join(DATA, 'GOOG_1d.csv'), { symbol: 'GOOG', tf: '1d', calendar: 'weekdays' }),
      );
      expect([goog.inserted, goog.first]).toEqual([2148, '2004-08-19T00:00:00Z']);
      const eur = await importFile(
        storePath,
        opts(path.join(DATA, 'EURUSD_1h.csv'), { symbol: 'EURUSD', calendar: 'weekdays' }),
      );
      expect([eur.inserted, eur.first]).toEqual([5000, '2017-04-19T09:00:00Z']);
    });
  },
);
