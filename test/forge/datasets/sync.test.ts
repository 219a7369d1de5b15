import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { buildDatasets } from '../../../src/forge/datasets/build.js';
import { ensureDataset } from '../../../src/forge/datasets/ensure.js';
import { playFitFix, shippedPlaysFitting } from '../../../src/forge/datasets/plays-fit.js';
import { forgeHome, type ForgeHome } from '../../../src/forge/home.js';
import { importFile } from '../../../src/forge/store/import.js';
import { withStore } from '../../../src/forge/store/store.js';
import { ArchiveServer, publish, type Bar } from '../../helpers/archive-server.js';

// Issue 12 point 2 (auto-sync before a build, --offline, fallback to the labelled stand-in), point 4
// (real candles replace a stand-in built before; the plays that fit a dataset), and issue 10 point 10
// (a user-catalog symbol nobody knows needs --synthetic).

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-sync-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const M15 = 900_000;
const FROM = Date.UTC(2023, 9, 1);
const TO = Date.UTC(2023, 11, 1);
const CATALOG = `datasets:
  - name: SYNCED
    symbol: BTCUSDT
    base: 15m
    derived: [1h]
    from: 2023-10-01
    to: 2023-12-01
    regime: bull
    source: binance-spot
  - name: TYPO
    symbol: BTCUDST
    base: 1h
    from: 2023-10-01
    to: 2023-11-01
    regime: bull
`;

function bars(from: number, to: number): Bar[] {
  const out: Bar[] = [];
  for (let t = from, i = 0; t < to; t += M15, i++) {
    const p = 35_000 + Math.round(400 * Math.sin(i / 90));
    out.push({ ts: t, open: p, high: p + 20, low: p - 20, close: p + 2, volume: 2 + (i % 3) });
  }
  return out;
}

let server: ArchiveServer;
let home: ForgeHome;
let warnings: string[];
let n = 0;
beforeEach(async () => {
  server = await new ArchiveServer().start();
  home = forgeHome(path.join(root, `h${n++}`));
  fs.mkdirSync(home.datasetsDir, { recursive: true });
  fs.writeFileSync(home.catalogPath, CATALOG);
  warnings = [];
});
afterEach(() => server.close());
const warn = (m: string) => warnings.push(m);
const sync = () => ({ baseUrl: server.baseUrl, now: Date.UTC(2024, 5, 1), retries: 0, backoffMs: 1, timeoutMs: 2000 });

async function caught(p: Promise<unknown>): Promise<ForgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForgeError);
  return err as ForgeError;
}

describe('auto-sync', () => {
  it('datasets build fetches the missing window from the archive and builds on real candles', async () => {
    publish(server, bars(FROM, TO), { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: Date.UTC(2024, 5, 1) });
    const [m] = await buildDatasets(home, ['SYNCED'], { allowSynthetic: false, warn, data: { sync: sync() } });
    expect(m.source).toBe('real');
    expect(m.timeframes.map((t) => [t.tf, t.bars])).toEqual([
      ['15m', (TO - FROM) / M15],
      ['1h', (TO - FROM) / (4 * M15)],
    ]);
    expect(warnings.filter((w) => /could not|SYNTHETIC/.test(w))).toEqual([]);
    expect(warnings.some((w) => w.includes('dataset SYNCED: fetching BTCUSDT 15m 2023-10-01..2023-12-01'))).toBe(true);
    // A second build has everything: no request at all.
    const before = server.requests.length;
    await buildDatasets(home, ['SYNCED'], { allowSynthetic: false, warn, data: { sync: sync() } });
    expect(server.requests.length).toBe(before);
  });

  it('fetches only the stretch the store lacks', async () => {
    publish(server, bars(FROM, TO), { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: Date.UTC(2024, 5, 1) });
    const oct = bars(FROM, Date.UTC(2023, 10, 1));
    const file = path.join(root, `oct${n}.csv`);
    fs.writeFileSync(
      file,
      [
        'datetime,open,high,low,close,volume',
        ...oct.map((b) => `${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`),
      ].join('\n'),
    );
    await importFile(home.storePath, { file, symbol: 'BTCUSDT', tf: '15m' });
    await buildDatasets(home, ['SYNCED'], { allowSynthetic: false, warn, data: { sync: sync() } });
    expect(server.requests.filter((u) => u.endsWith('.zip'))).toEqual([
      '/data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2023-11.zip',
    ]);
  });

  it('without the archive (offline, or unreachable) it builds the labelled stand-in, saying why', async () => {
    const offline = await buildDatasets(home, ['SYNCED'], { allowSynthetic: true, warn, data: {} });
    expect(offline[0].source).toBe('synthetic');
    expect(server.requests).toEqual([]);
    const other = forgeHome(path.join(root, `h${n++}`));
    fs.mkdirSync(other.datasetsDir, { recursive: true });
    fs.writeFileSync(other.catalogPath, CATALOG);
    const closed = server.baseUrl;
    await server.close();
    server = await new ArchiveServer().start();
    const m = await ensureDataset(other, 'SYNCED', {
      allowSynthetic: true,
      warn,
      data: { sync: { ...sync(), baseUrl: closed } },
    });
    expect(m.source).toBe('synthetic');
    expect(
      warnings.some((w) =>
        /dataset SYNCED: could not fetch its candles \(cannot reach the candle archive: GET http:\/\/127\.0\.0\.1/.test(
          w,
        ),
      ),
    ).toBe(true);
    expect(warnings.some((w) => w.includes('SYNTHETIC'))).toBe(true);
  });

  it('a stand-in built before is replaced once real candles can be fetched', async () => {
    const first = await ensureDataset(home, 'SYNCED', { allowSynthetic: true, warn, data: {} });
    expect(first.source).toBe('synthetic');
    publish(server, bars(FROM, TO), { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: Date.UTC(2024, 5, 1) });
    const second = await ensureDataset(home, 'SYNCED', { allowSynthetic: true, warn, data: { sync: sync() } });
    expect(second.source).toBe('real');
    const synth = await withStore(home.storePath, { readOnly: true }, (s) =>
      s.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) n FROM candles WHERE source = 'synthetic'`),
    );
    expect(synth[0].n).toBe(0); // the import replaced the stand-in's rows
  });

  it('a stand-in built before is replaced by candles imported since (offline)', async () => {
    await ensureDataset(home, 'SYNCED', { allowSynthetic: true, warn, data: {} });
    const file = path.join(root, `all${n}.csv`);
    fs.writeFileSync(
      file,
      [
        'datetime,open,high,low,close,volume',
        ...bars(FROM, TO).map(
          (b) => `${new Date(b.ts).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume}`,
        ),
      ].join('\n'),
    );
    await importFile(home.storePath, { file, symbol: 'BTCUSDT', tf: '15m' });
    // A run being resumed keeps the build it was made on (its hash is in the run).
    const kept = await ensureDataset(home, 'SYNCED', { allowSynthetic: true, warn, data: {}, keepBuilt: true });
    expect(kept.source).toBe('synthetic');
    const m = await ensureDataset(home, 'SYNCED', { allowSynthetic: true, warn, data: {} });
    expect(m.source).toBe('real');
  });
});

describe('exchange downtime in real candles', () => {
  // Like Binance's BTCUSDT spot on 2021-04-25, 04:00-08:45 UTC: 19 bars of 15m missing.
  const hole = (b: Bar) => b.ts < Date.UTC(2023, 9, 25, 4) || b.ts >= Date.UTC(2023, 9, 25, 4) + 19 * M15;

  it('a hole shorter than 30 bars stays a hole: the build passes with a preflight warning', async () => {
    publish(server, bars(FROM, TO).filter(hole), {
      symbol: 'BTCUSDT',
      tf: '15m',
      tfMs: M15,
      now: Date.UTC(2024, 5, 1),
    });
    const [m] = await buildDatasets(home, ['SYNCED'], { allowSynthetic: false, warn, data: { sync: sync() } });
    expect(m.source).toBe('real');
    expect(m.timeframes[0].bars).toBe((TO - FROM) / M15 - 19);
    expect(
      warnings.some((w) =>
        /preflight warning, gaps: 1 gaps, 19 15m bars missing .*each shorter than 30 bars \(exchange downtime\)/.test(
          w,
        ),
      ),
    ).toBe(true);
  });

  it('a hole of 30 bars is refused at the fetch: the store stays without it and the build says so', async () => {
    const long = (b: Bar) => b.ts < Date.UTC(2023, 9, 25, 4) || b.ts >= Date.UTC(2023, 9, 25, 4) + 30 * M15;
    publish(server, bars(FROM, TO).filter(long), {
      symbol: 'BTCUSDT',
      tf: '15m',
      tfMs: M15,
      now: Date.UTC(2024, 5, 1),
    });
    const e = await caught(buildDatasets(home, ['SYNCED'], { allowSynthetic: false, warn, data: { sync: sync() } }));
    expect(e.code).toBe('E_NO_CANDLES');
    expect(
      warnings.some(
        (w) => w.includes('could not fetch its candles') && w.includes('30 15m bars missing from 2023-10-25T04:00:00Z'),
      ),
    ).toBe(true);
  });
});

describe('a symbol nobody knows needs --synthetic', () => {
  it('refuses the stand-in for a mistyped user-catalog symbol, suggesting the known one; --synthetic allows it', async () => {
    const e = await caught(ensureDataset(home, 'TYPO', { allowSynthetic: true, warn, data: {} }));
    expect(e.code).toBe('E_UNKNOWN_SYMBOL');
    expect(e.message).toContain("no candles of symbol 'BTCUDST'");
    expect(e.message).toContain("did you mean 'BTCUSDT'?");
    expect(e.fix).toContain('--synthetic');
    expect(
      fs.existsSync(home.storePath)
        ? await withStore(home.storePath, { readOnly: true }, (s) =>
            s.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) n FROM candles'),
          )
        : [{ n: 0 }],
    ).toEqual([{ n: 0 }]);
    const m = await ensureDataset(home, 'TYPO', { allowSynthetic: true, warn, data: { synthetic: true } });
    expect(m.source).toBe('synthetic');
  });

  it('a shipped dataset still falls back to its labelled stand-in without --synthetic', async () => {
    const m = await ensureDataset(home, 'ETHUSDT_RANGE', { allowSynthetic: true, warn, data: {} });
    expect(m.source).toBe('synthetic');
  });
});

describe('plays that fit a dataset', () => {
  it('names the shipped plays trading a timeframe the dataset has', () => {
    const fit = shippedPlaysFitting(['1h', '4h', '1d']);
    expect(fit).toContain('configs/plays/rsi_mean_reversion.yaml');
    expect(fit).toContain('configs/plays/donchian_breakout.yaml'); // 4h
    expect(fit).not.toContain('configs/plays/default.yaml'); // 15m
    expect(fit).toContain('configs/plays/sma_cross_reversal.yaml'); // 1d
  });

  it('the fix of the error says which to pass', () => {
    expect(playFitFix('BTCUSDT_BEAR_2022', '15m', ['1h', '4h', '1d'])).toMatch(
      /^shipped plays that fit BTCUSDT_BEAR_2022 \(1h, 4h, 1d\): --play configs\/plays\//,
    );
  });
});
