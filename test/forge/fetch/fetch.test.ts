import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { fetchCandles, type FetchOptions } from '../../../src/forge/fetch/fetch.js';
import { forgeHome, type ForgeHome } from '../../../src/forge/home.js';
import { importFile } from '../../../src/forge/store/import.js';
import { withStore } from '../../../src/forge/store/store.js';
import { ArchiveServer, klineCsv, publish, type Bar } from '../../helpers/archive-server.js';
import { sharedDataDir } from '../../helpers/shared-data.js';

// Issue 12 point 5: `forge data fetch` against a local archive on 127.0.0.1, every fault the issue
// lists, and after every failure the store exactly as before.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-fetch-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const SHARED = sharedDataDir();
const M15 = 900_000;
const H = 3_600_000;
const NOW = Date.UTC(2024, 1, 10, 12); // Feb 2024 is the "current" month: daily files for Feb 1..9

/** 15m bars from Oct 2023 on, a deterministic path with no repeats. */
function synthBars(from: number, to: number, tfMs = M15): Bar[] {
  const out: Bar[] = [];
  for (let t = from, i = 0; t < to; t += tfMs, i++) {
    const p = 30_000 + Math.round(800 * Math.sin(i / 211) + 90 * Math.cos(i / 17));
    out.push({ ts: t, open: p, high: p + 25, low: p - 30, close: p + 5, volume: 1 + (i % 13) });
  }
  return out;
}

let server: ArchiveServer;
let home: ForgeHome;
let n = 0;
beforeEach(async () => {
  server = await new ArchiveServer().start();
  home = forgeHome(path.join(root, `h${n++}`));
});
afterEach(() => server.close());

const opts = (o: Partial<FetchOptions> = {}): Partial<FetchOptions> => ({
  symbol: 'BTCUSDT',
  tf: '15m',
  from: Date.UTC(2023, 9, 1),
  to: Date.UTC(2024, 1, 10),
  baseUrl: server.baseUrl,
  now: NOW,
  retries: 2,
  backoffMs: 10,
  timeoutMs: 2000,
  ...o,
});

async function storeRows(h: ForgeHome, symbol = 'BTCUSDT', tf = '15m'): Promise<string> {
  if (!fs.existsSync(h.storePath)) return '(no store)';
  return withStore(h.storePath, { readOnly: true }, async (s) => {
    const r = await s.all<{ f: string | null }>(
      `SELECT string_agg(concat_ws('|', ts, open, high, low, close, volume), ';' ORDER BY ts) f FROM candles WHERE symbol = $1 AND tf = $2`,
      [symbol, tf],
    );
    return r[0].f ?? '';
  });
}
/** Everything the store holds, source included: equal before and after = unchanged. */
async function fingerprint(h: ForgeHome): Promise<string> {
  if (!fs.existsSync(h.storePath)) return '(no store)';
  return withStore(h.storePath, { readOnly: true }, async (s) => {
    const c = await s.all<{ f: string | null }>(
      `SELECT string_agg(concat_ws('|', symbol, tf, ts, open, high, low, close, volume, source), ';' ORDER BY symbol, tf, ts) f FROM candles`,
    );
    return c[0].f ?? '';
  });
}
async function fails(p: Promise<unknown>, code: string, message?: RegExp): Promise<ForgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForgeError);
  expect((err as ForgeError).code).toBe(code);
  if (message) expect((err as ForgeError).message).toMatch(message);
  return err as ForgeError;
}
/** A home whose store already holds something, so "unchanged" is not just "still empty". */
async function seeded(): Promise<string> {
  const bars = synthBars(Date.UTC(2023, 0, 1), Date.UTC(2023, 0, 2), H);
  const file = path.join(root, `seed${n}.csv`);
  fs.writeFileSync(
    file,
    [
      'datetime,open,high,low,close,volume',
      ...bars.map((b) => `${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`),
    ].join('\n'),
  );
  await importFile(home.storePath, { file, symbol: 'ETHUSDT', tf: '1h' });
  return fingerprint(home);
}
const csvOf = (bars: readonly Bar[]) =>
  [
    'datetime,open,high,low,close,volume',
    ...bars.map((b) => `${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`),
  ].join('\n') + '\n';

describe('a good fetch', () => {
  it('monthly + daily files equal a CSV import of the same candles; a rerun downloads nothing', async () => {
    const bars = synthBars(Date.UTC(2023, 9, 1), Date.UTC(2024, 1, 10));
    const paths = publish(server, bars, { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: NOW });
    expect(paths.filter((p) => p.includes('/monthly/'))).toHaveLength(4); // Oct..Jan
    expect(paths.filter((p) => p.includes('/daily/'))).toHaveLength(9); // Feb 1..9
    const events: string[] = [];
    const r = await fetchCandles(home, opts(), { file: (f) => events.push(f.state) });
    expect(r.files).toBe(13);
    expect(r.downloaded).toBe(13);
    expect(r.missing).toEqual([]);
    expect(r.import.source).toBe('binance-spot');

    const ref = forgeHome(path.join(root, `ref${n}`));
    const file = path.join(root, `ref${n}.csv`);
    fs.writeFileSync(file, csvOf(bars.filter((b) => b.ts < Date.UTC(2024, 1, 10))));
    await importFile(ref.storePath, { file, symbol: 'BTCUSDT', tf: '15m' });
    const want = await storeRows(ref);
    expect(want.split(';')).toHaveLength(bars.length);
    expect(await storeRows(home)).toBe(want);

    const before = server.requests.length;
    const again = await fetchCandles(home, opts());
    expect(again.cached).toBe(13);
    expect(again.downloaded).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(again.import.unchanged).toBe(bars.length);
  });

  it.skipIf(!SHARED)(
    'real BTC hourly candles, with 2025 spot files in microseconds, equal importing ../shared/data/BTCUSD_1h.csv',
    async () => {
      const text = fs.readFileSync(path.join(SHARED!, 'BTCUSD_1h.csv'), 'utf8').trim().split('\n').slice(1);
      const from = Date.UTC(2024, 10, 1);
      const now = Date.UTC(2025, 1, 20, 6); // Feb 2025 is current: daily files from Feb 1 to 19
      const bars: Bar[] = [];
      for (const line of text) {
        const [t, o, h, l, c, v] = line.split(',');
        const ts = Date.parse(t.replace(' ', 'T'));
        if (ts >= from && ts < Date.UTC(2025, 1, 20))
          bars.push({ ts, open: +o, high: +h, low: +l, close: +c, volume: +v });
      }
      publish(server, bars, { symbol: 'BTCUSDT', tf: '1h', tfMs: H, now });
      const r = await fetchCandles(home, opts({ tf: '1h', from, to: Date.UTC(2025, 2, 1), now }));
      expect(r.files).toBe(3 + 19);
      expect(r.import.inserted).toBe(bars.length);
      const ref = forgeHome(path.join(root, `ref${n}`));
      await importFile(ref.storePath, { file: path.join(SHARED!, 'BTCUSD_1h.csv'), symbol: 'BTCUSDT', tf: '1h' });
      const all = await withStore(ref.storePath, { readOnly: true }, (s) =>
        s.all<{ f: string }>(
          `SELECT string_agg(concat_ws('|', ts, open, high, low, close, volume), ';' ORDER BY ts) f FROM candles WHERE ts >= $1 AND ts < $2`,
          [BigInt(from), BigInt(Date.UTC(2025, 1, 20))],
        ),
      );
      expect(await storeRows(home, 'BTCUSDT', '1h')).toBe(all[0].f);
    },
  );

  it('a 404 month (before the listing date) is reported, not fatal', async () => {
    const bars = synthBars(Date.UTC(2023, 11, 1), Date.UTC(2024, 1, 10));
    publish(server, bars, { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: NOW });
    const r = await fetchCandles(home, opts());
    expect(r.missing).toEqual(['BTCUSDT-15m-2023-10', 'BTCUSDT-15m-2023-11']);
    expect(r.import.inserted).toBe(bars.length);
  });

  it('a 500 is retried, then succeeds', async () => {
    publish(server, synthBars(Date.UTC(2023, 9, 1), Date.UTC(2024, 1, 10)), {
      symbol: 'BTCUSDT',
      tf: '15m',
      tfMs: M15,
      now: NOW,
    });
    const url = '/data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2023-11.zip';
    server.faults.set(url, { kind: 'status', status: 500, times: 1 });
    const retries: string[] = [];
    const r = await fetchCandles(home, opts(), { retry: (m) => retries.push(m) });
    expect(r.downloaded).toBe(13);
    expect(server.requests.filter((u) => u === url)).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toContain('HTTP 500');
  });

  it("last month's monthly file not published yet: its daily files are used", async () => {
    const now = Date.UTC(2024, 1, 3, 12); // Feb 3: January's monthly file is not out yet
    const bars = synthBars(Date.UTC(2023, 11, 1), Date.UTC(2024, 1, 3));
    publish(
      server,
      bars.filter((b) => b.ts < Date.UTC(2024, 0, 1)),
      { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now },
    );
    for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2024, 1, 3); day += 86_400_000) {
      const name = `BTCUSDT-15m-${new Date(day).toISOString().slice(0, 10)}`;
      server.put(
        `data/spot/daily/klines/BTCUSDT/15m/${name}`,
        klineCsv(
          bars.filter((x) => x.ts >= day && x.ts < day + 86_400_000),
          M15,
          false,
        ),
      );
    }
    const r = await fetchCandles(home, opts({ from: Date.UTC(2023, 11, 1), to: Date.UTC(2024, 1, 3), now }));
    expect(r.missing).toEqual([]);
    expect(r.files).toBe(1 + 31 + 2); // December monthly, January's 31 days, February 1-2
    expect(r.import.inserted).toBe(bars.length);
  });

  it('follows a redirect (mirrors, CDNs)', async () => {
    const bars = synthBars(Date.UTC(2023, 9, 1), Date.UTC(2023, 10, 1));
    publish(server, bars, { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: NOW });
    const url = '/data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2023-10.zip';
    server.files.set('/elsewhere/file.zip', server.files.get(url)!);
    server.faults.set(url, { kind: 'redirect', to: '/elsewhere/file.zip' });
    const r = await fetchCandles(home, opts({ to: Date.UTC(2023, 10, 1) }));
    expect(r.import.inserted).toBe(bars.length);
    expect(server.requests).toContain('/elsewhere/file.zip');
  });

  it('futures-um reads from data/futures/um', async () => {
    const bars = synthBars(Date.UTC(2023, 9, 1), Date.UTC(2023, 11, 1));
    publish(server, bars, { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: NOW, market: 'futures-um' });
    const r = await fetchCandles(home, opts({ market: 'futures-um', to: Date.UTC(2023, 11, 1) }));
    expect(r.import.inserted).toBe(bars.length);
    expect(server.requests.every((u) => u.startsWith('/data/futures/um/'))).toBe(true);
  });
});

describe('failures leave the store exactly as before', () => {
  const OCT = 'data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2023-10';
  const NOV = 'data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2023-11';
  const window = { from: Date.UTC(2023, 9, 1), to: Date.UTC(2023, 11, 1) };
  const octCsv = () => synthBars(window.from, Date.UTC(2023, 10, 1));
  const novBars = () => synthBars(Date.UTC(2023, 10, 1), window.to);
  const kline = (bars: Bar[]) =>
    bars
      .map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume, b.ts + M15 - 1, 0, 1, 0, 0, 0].join(','))
      .join('\n');

  it('bad checksum', async () => {
    const before = await seeded();
    server.put(OCT, kline(octCsv()));
    server.put(NOV, kline(novBars()), { checksumOf: Buffer.from('something else') });
    await fails(
      fetchCandles(home, opts(window)),
      'E_FETCH_CHECKSUM',
      /BTCUSDT-15m-2023-11\.zip: SHA-256 [0-9a-f]{64} does not match/,
    );
    expect(await fingerprint(home)).toBe(before);
    const cached = fs.readdirSync(path.join(home.root, 'cache/binance/data/spot/monthly/klines/BTCUSDT/15m'));
    expect(cached.sort()).toEqual(['BTCUSDT-15m-2023-10.zip', 'BTCUSDT-15m-2023-10.zip.CHECKSUM']); // the bad file is not kept
  });

  it('a truncated zip (its checksum matching the truncated bytes)', async () => {
    const before = await seeded();
    server.put(OCT, kline(octCsv()));
    server.put(NOV, kline(novBars()), { zip: (z) => z.subarray(0, Math.floor(z.length / 2)) });
    await fails(
      fetchCandles(home, opts(window)),
      'E_FETCH_ZIP',
      /BTCUSDT-15m-2023-11\.zip: not a readable zip archive/,
    );
    expect(await fingerprint(home)).toBe(before);
  });

  it('a zip with the wrong CSV inside: another file name, or 1h bars in a 15m file', async () => {
    const before = await seeded();
    server.put(OCT, kline(octCsv()));
    server.put(NOV, kline(novBars()), { entryName: 'ETHUSDT-15m-2023-11.csv' });
    await fails(
      fetchCandles(home, opts(window)),
      'E_FETCH_CONTENT',
      /holds \["ETHUSDT-15m-2023-11\.csv"\], expected the one file BTCUSDT-15m-2023-11\.csv/,
    );
    server.put(NOV, kline(synthBars(Date.UTC(2023, 10, 1), window.to, H)));
    await fails(fetchCandles(home, opts(window)), 'E_TF_MISMATCH', /--tf 15m but its bars are 1h apart/);
    server.put(NOV, kline(synthBars(Date.UTC(2023, 11, 1), Date.UTC(2023, 11, 5))));
    await fails(fetchCandles(home, opts(window)), 'E_FETCH_CONTENT', /outside the file's period/);
    expect(await fingerprint(home)).toBe(before);
  });

  it('a server that stalls times out after the retries', async () => {
    const before = await seeded();
    server.put(OCT, kline(octCsv()));
    server.put(NOV, kline(novBars()));
    server.faults.set(`/${NOV}.zip`, { kind: 'stall' });
    const t0 = Date.now();
    await fails(
      fetchCandles(home, opts({ ...window, timeoutMs: 300, retries: 1 })),
      'E_FETCH_RETRIES',
      /no data for 0\.3 s \(timeout\) after 2 attempts/,
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(server.requests.filter((u) => u === `/${NOV}.zip`)).toHaveLength(2);
    expect(await fingerprint(home)).toBe(before);
  });

  it('no network: a clear error naming what was tried and how to import a CSV instead', async () => {
    const before = await seeded();
    const closed = server.baseUrl;
    await server.close();
    server = await new ArchiveServer().start(); // afterEach closes this one
    const e = await fails(
      fetchCandles(home, opts({ ...window, baseUrl: closed })),
      'E_NO_NETWORK',
      /cannot reach the candle archive: GET http:\/\/127\.0\.0\.1:\d+\/data\/spot\/monthly/,
    );
    expect(e.fix).toContain('forge data import FILE');
    expect(await fingerprint(home)).toBe(before);
  });

  it('every file missing is an error (a mistyped symbol), store unchanged', async () => {
    const before = await seeded();
    await fails(
      fetchCandles(home, opts({ ...window, symbol: 'BTCUSTD' })),
      'E_FETCH_NOTHING',
      /none of the 2 spot BTCUSTD 15m files exists/,
    );
    expect(await fingerprint(home)).toBe(before);
  });
});
