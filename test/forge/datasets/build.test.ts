import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDatasets } from '../../../src/forge/datasets/build.js';
import { ensureDataset } from '../../../src/forge/datasets/ensure.js';
import { readBuilt } from '../../../src/forge/datasets/folder.js';
import { loadDataset } from '../../../src/forge/datasets/load.js';
import { readParquetColumns } from '../../../src/forge/datasets/parquet.js';
import { listDatasets } from '../../../src/forge/datasets/list.js';
import type { Manifest } from '../../../src/forge/datasets/manifest.js';
import { forgeHome, type ForgeHome } from '../../../src/forge/home.js';
import { withStore } from '../../../src/forge/store/store.js';
import { catalogHome, caught, TINY_ENTRY } from '../../helpers/datasets.js';
import { storeSynthetic } from '../../../src/forge/store/synth.js';

// A tiny catalog in a temp home: TINY starts at 05:00, so its first 4h and 1d buckets are partial
// and must be dropped; REAL is filled with hand-made "real" candles by the test.
const CATALOG = `datasets:
${TINY_ENTRY}
  - name: REAL
    symbol: REALUSDT
    base: 1h
    derived: [4h]
    from: 2024-01-01
    to: 2024-01-04
    regime: range
`;
const H = 3_600_000;
const TINY_FROM = Date.UTC(2024, 0, 1, 5);
const TINY_TO = Date.UTC(2024, 0, 11);

let dir: string;
let home: ForgeHome;
const warnings: string[] = [];
// As the CLI passes them: --synthetic both allows the stand-in and counts as asking for it.
const opts = (allowSynthetic: boolean, extra: object = {}) => ({
  allowSynthetic,
  syntheticRequested: allowSynthetic,
  warn: (m: string) => warnings.push(m),
  ...extra,
});

interface Row {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}
async function storeRows(symbol: string): Promise<Row[]> {
  return withStore(home.storePath, { readOnly: true }, (s) =>
    s.all<Row>(
      `SELECT CAST(ts AS DOUBLE) AS ts, open, high, low, close, volume FROM candles WHERE symbol = $1 AND tf = '1h' AND ts >= $2 AND ts < $3 ORDER BY ts`,
      [symbol, BigInt(TINY_FROM), BigInt(TINY_TO)],
    ),
  );
}

/** Independent resample: complete buckets only (every base bar present). */
function aggregate(rows: Row[], bucketMs: number): Row[] {
  const out: Row[] = [];
  const groups = new Map<number, Row[]>();
  for (const r of rows) {
    const b = Math.floor(r.ts / bucketMs) * bucketMs;
    if (!groups.has(b)) groups.set(b, []);
    groups.get(b)!.push(r);
  }
  for (const [b, g] of groups) {
    if (g.length !== bucketMs / H) continue;
    out.push({
      ts: b,
      open: g[0].open,
      high: Math.max(...g.map((r) => r.high)),
      low: Math.min(...g.map((r) => r.low)),
      close: g[g.length - 1].close,
      volume: g.reduce((a, r) => a + r.volume, 0),
    });
  }
  return out;
}

/** The folder of the dataset's current version (<NAME>/vN, see folder.ts). */
const builtDir = (name: string) => readBuilt(path.join(home.datasetsDir, name))!.dir;

function snapshot(name: string): Record<string, string> {
  const d = builtDir(name);
  return Object.fromEntries(
    fs.readdirSync(d).map((f) => [
      f,
      createHash('sha256')
        .update(fs.readFileSync(path.join(d, f)))
        .digest('hex'),
    ]),
  );
}
/** Anything but datasets, and anything in a dataset folder but current.json and its current version. */
const leftovers = () => [
  ...fs.readdirSync(home.datasetsDir).filter((f) => f.startsWith('.')),
  ...fs
    .readdirSync(home.datasetsDir)
    .filter((f) => f !== 'catalog.yaml')
    .flatMap((name) =>
      fs
        .readdirSync(path.join(home.datasetsDir, name))
        .filter((f) => f !== 'current.json' && f !== path.basename(builtDir(name)))
        .map((f) => `${name}/${f}`),
    ),
];

beforeAll(() => {
  ({ dir, home } = catalogHome('forge-datasets-', CATALOG));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('forge datasets build (synthetic stand-in)', () => {
  it('with no candles, says so and offers --synthetic; nothing is built', async () => {
    const e = await caught(buildDatasets(home, ['TINY'], opts(false)));
    expect(e.code).toBe('E_NO_CANDLES');
    expect(e.message).toContain('no TESTUSDT 1h candles');
    expect(e.fix).toContain('forge datasets build TINY --synthetic');
    expect(fs.readdirSync(home.datasetsDir)).toEqual(['catalog.yaml']);
  });

  it('unknown names get a did-you-mean', async () => {
    const e = await caught(buildDatasets(home, ['TINI'], opts(true)));
    expect(e.message).toContain("did you mean 'TINY'");
  });

  let manifest: Manifest;
  it('builds a synthetic dataset whose Parquet DuckDB reads back with the manifest counts', async () => {
    warnings.length = 0;
    [manifest] = await buildDatasets(home, ['TINY'], opts(true));
    expect(manifest.source).toBe('synthetic');
    expect(manifest.seed).toBe('forge');
    expect(warnings.join('\n')).toMatch(/TINY is SYNTHETIC/);
    // 235 hourly bars from 05:00 on Jan 1 to Jan 11; the 04:00 4h bucket and Jan 1 are incomplete.
    expect(manifest.timeframes.map((t) => [t.tf, t.bars])).toEqual([
      ['1h', 235],
      ['4h', 58],
      ['1d', 9],
    ]);
    expect(manifest.timeframes[1].first).toBe(Date.UTC(2024, 0, 1, 8));
    expect(manifest.timeframes[2].first).toBe(Date.UTC(2024, 0, 2));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    for (const t of manifest.timeframes) {
      const file = path.join(builtDir('TINY'), t.file);
      const [[n, first, last]] = (
        await c.runAndReadAll(`SELECT count(*)::DOUBLE, min(ts)::DOUBLE, max(ts)::DOUBLE FROM read_parquet('${file}')`)
      ).getRows();
      expect([n, first, last]).toEqual([t.bars, t.first, t.last]);
      const types = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`))
        .getRows()
        .map((r) => `${r[0]} ${r[1]}`);
      expect(types).toEqual(['ts BIGINT', 'open DOUBLE', 'high DOUBLE', 'low DOUBLE', 'close DOUBLE', 'volume DOUBLE']);
    }
    c.closeSync();
    db.closeSync();
    expect(leftovers()).toEqual([]);
  });

  it('loadDataset gives typed arrays equal to the store rows, and derived bars equal an independent resample', async () => {
    const { manifest: m, feeds } = await loadDataset(home, 'TINY');
    expect(m.hash).toBe(manifest.hash);
    const rows = await storeRows('TESTUSDT');
    const base = feeds['1h'];
    expect(base.time).toBeInstanceOf(Float64Array);
    expect([base.tf, base.tfMs, base.length]).toEqual(['1h', H, rows.length]);
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const)
      expect(Array.from(base[k])).toEqual(rows.map((r) => r[k]));
    expect(Array.from(base.time)).toEqual(rows.map((r) => r.ts));
    for (const [tf, ms] of [
      ['4h', 4 * H],
      ['1d', 24 * H],
    ] as const) {
      const ref = aggregate(rows, ms);
      const f = feeds[tf];
      expect(f.length).toBe(ref.length);
      expect(Array.from(f.time)).toEqual(ref.map((r) => r.ts));
      for (const k of ['open', 'high', 'low', 'close'] as const) expect(Array.from(f[k])).toEqual(ref.map((r) => r[k]));
      ref.forEach((r, i) => {
        expect(f.volume[i]).toBeCloseTo(r.volume, 6);
      });
    }
    // The content hash, by its documented definition: per timeframe "tf\nbars\n" then the columns as LE float64.
    const h = createHash('sha256');
    for (const t of m.timeframes) {
      const f = feeds[t.tf];
      h.update(`${t.tf}\n${f.length}\n`);
      for (const col of [f.time, f.open, f.high, f.low, f.close, f.volume]) {
        const b = Buffer.alloc(col.length * 8);
        col.forEach((v, i) => {
          b.writeDoubleLE(v, i * 8);
        });
        h.update(b);
      }
    }
    expect(m.hash).toBe(h.digest('hex'));
  });

  it('the same seed builds the same data; another seed does not', async () => {
    const [again] = await buildDatasets(home, ['TINY'], opts(true));
    expect(again.hash).toBe(manifest.hash);
    const [other] = await buildDatasets(home, ['TINY'], opts(true, { seed: 7 }));
    expect(other.seed).toBe('7');
    expect(other.hash).not.toBe(manifest.hash);
    manifest = (await buildDatasets(home, ['TINY'], opts(true)))[0];
  });

  it('a build that fails mid-export leaves the previous build intact', async () => {
    const before = snapshot('TINY');
    const boom = new Error('disk full (simulated)');
    let calls = 0;
    await expect(
      buildDatasets(
        home,
        ['TINY'],
        opts(true, {
          seed: 99,
          progress: () => {
            if (++calls === 2) throw boom;
          },
        }),
      ),
    ).rejects.toBe(boom);
    expect(snapshot('TINY')).toEqual(before);
    expect(leftovers()).toEqual([]);
    expect((await loadDataset(home, 'TINY')).manifest.hash).toBe(manifest.hash);
  });

  it('a build that fails preflight writes nothing and leaves the previous build intact', async () => {
    const before = snapshot('TINY');
    await withStore(home.storePath, {}, (s) =>
      s.run(`UPDATE candles SET high = low - 1 WHERE symbol = 'TESTUSDT' AND ts = $1`, [BigInt(TINY_FROM + 10 * H)]),
    );
    const e = await caught(buildDatasets(home, ['TINY'], opts(false)));
    expect(e.code).toBe('E_PREFLIGHT');
    expect(e.message).toContain('ohlc');
    expect(e.message).toContain('nothing was written');
    expect(e.fix).toContain('forge data check --symbol TESTUSDT --tf 1h');
    expect(snapshot('TINY')).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  it('a damaged or altered build is refused on load', async () => {
    const file = path.join(builtDir('TINY'), '4h.parquet');
    const copy = path.join(dir, '4h.copy.parquet');
    fs.copyFileSync(file, copy);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(
      `COPY (SELECT ts, open, high, low, close * 1.0001 AS close, volume FROM read_parquet('${copy}')) TO '${file}' (FORMAT parquet)`,
    );
    const withNull = path.join(dir, 'null.parquet');
    await c.run(
      `COPY (SELECT ts, open, high, low, CASE WHEN ts = (SELECT max(ts) FROM read_parquet('${copy}')) THEN NULL ELSE close END AS close, volume FROM read_parquet('${copy}')) TO '${withNull}' (FORMAT parquet)`,
    );
    c.closeSync();
    // A null must not quietly become 0 in a Float64Array.
    await expect(readParquetColumns(withNull)).rejects.toThrow(/close row 57 is null/);
    db.closeSync();
    expect((await caught(loadDataset(home, 'TINY'))).code).toBe('E_DATASET_HASH');
    fs.rmSync(file);
    const missing = await caught(loadDataset(home, 'TINY'));
    expect(missing.code).toBe('E_DATASET_FILE');
    expect(missing.fix).toContain('forge datasets build TINY');
  });

  it('a dataset that is not built names itself and the fix', async () => {
    const e = await caught(loadDataset(home, 'REAL'));
    expect(e.code).toBe('E_DATASET_NOT_BUILT');
    expect(e.message).toContain("dataset 'REAL'");
    expect(e.fix).toBe('build it first: forge datasets build REAL');
  });
});

describe('real candles', () => {
  const REAL_FROM = Date.UTC(2024, 0, 1);
  // 3 bars before and 8 after the 72-bar window: the export must cut exactly [from, to).
  async function insertReal(): Promise<void> {
    await withStore(home.storePath, {}, (s) =>
      s.run(
        `INSERT OR REPLACE INTO candles (symbol, tf, ts, open, high, low, close, volume, source)
         SELECT 'REALUSDT', '1h', ${REAL_FROM} + i * ${H}, 100 + sin(i), 101 + sin(i), 99 + sin(i), 100.5 + sin(i), 10 + i, 'real.csv'
         FROM range(-3, 80) t(i)`,
      ),
    );
  }

  it('real data wins over --synthetic', async () => {
    await insertReal();
    warnings.length = 0;
    const [m] = await buildDatasets(home, ['REAL'], opts(true));
    expect(m.source).toBe('real');
    expect(m.seed).toBeUndefined();
    expect(warnings.join('\n')).toContain('real data always wins');
    expect(m.timeframes.map((t) => t.bars)).toEqual([72, 18]);
    // evolve allows the stand-in without asking for it: nothing was ignored, so nothing to warn about.
    warnings.length = 0;
    await buildDatasets(home, ['REAL'], { allowSynthetic: true, warn: (w: string) => warnings.push(w) });
    expect(warnings.join('\n')).not.toContain('ignored');
    const { feeds } = await loadDataset(home, 'REAL');
    expect(feeds['1h'].open[3]).toBe(100 + Math.sin(3));
    expect(feeds['4h'].volume[0]).toBe(10 + 11 + 12 + 13);
  });

  it('partial real coverage fails preflight on coverage', async () => {
    await withStore(home.storePath, {}, (s) =>
      s.run(`DELETE FROM candles WHERE symbol = 'REALUSDT' AND ts < ${REAL_FROM + 5 * H}`),
    );
    const e = await caught(buildDatasets(home, ['REAL'], opts(true)));
    expect(e.code).toBe('E_PREFLIGHT');
    expect(e.message).toContain('coverage');
    expect(e.fix).toContain('import candles covering the whole window');
    await insertReal();
  });

  it('ls lists built datasets and catalog entries not built', () => {
    const rows = listDatasets(home);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.REAL).toMatchObject({
      status: 'built',
      source: 'real',
      window: '2024-01-01..2024-01-04',
      timeframes: '1h 72 · 4h 18',
    });
    expect(byName.TINY.status).toBe('built');
    expect(byName.BTCUSDT_FULL_CYCLE).toMatchObject({
      status: 'not built',
      timeframes: '15m 1h 4h 1d',
      candlesFrom: 'binance-spot',
    });
    expect(byName.REAL.candlesFrom).toBe('import');
  });
});

describe('candles from `forge data synth`', () => {
  it('build without --synthetic uses them and marks the dataset synthetic', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-synth-'));
    const h = forgeHome(d);
    fs.mkdirSync(h.datasetsDir, { recursive: true });
    fs.writeFileSync(h.catalogPath, CATALOG);
    await withStore(h.storePath, {}, (s) =>
      storeSynthetic(s, {
        symbol: 'TESTUSDT',
        tf: '1h',
        from: TINY_FROM - 24 * H,
        to: TINY_TO + 24 * H,
        seed: 3,
        shape: 'range',
      }),
    );
    const seen: string[] = [];
    const [m] = await buildDatasets(h, ['TINY'], { allowSynthetic: false, warn: (w) => seen.push(w) });
    expect(m.source).toBe('synthetic');
    expect(m.seed).toBeUndefined();
    expect(m.timeframes[0].bars).toBe(235);
    expect(seen.join('\n')).toContain('TINY is SYNTHETIC');
    fs.rmSync(d, { recursive: true, force: true });
  });
});

describe('ensureDataset', () => {
  it('builds an absent dataset once, then returns the built manifest', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-ensure-'));
    const h = forgeHome(d);
    fs.mkdirSync(h.datasetsDir, { recursive: true });
    fs.writeFileSync(h.catalogPath, CATALOG);
    const seen: string[] = [];
    const first = await ensureDataset(h, 'TINY', { allowSynthetic: true, warn: (m) => seen.push(m) });
    expect(first.source).toBe('synthetic');
    expect(seen.some((m) => m.includes('SYNTHETIC'))).toBe(true);
    const second = await ensureDataset(h, 'TINY', { allowSynthetic: true, warn: (m) => seen.push(m) });
    expect(second.builtAt).toBe(first.builtAt);
    expect((await caught(ensureDataset(h, 'REAL', { allowSynthetic: false, warn: () => {} }))).code).toBe(
      'E_NO_CANDLES',
    );
    fs.rmSync(d, { recursive: true, force: true });
  });
});
