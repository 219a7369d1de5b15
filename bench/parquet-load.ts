// Parquet read path for built datasets: which reader turns a DuckDB-written 140,000-bar file
// (ts BIGINT + 5 DOUBLE columns) into Float64Arrays fastest? Budget: 300 ms for the whole load.
//
// Run (about 15 s):
//   npx tsc -p tsconfig.json --outDir /tmp/forge-bench && node /tmp/forge-bench/bench/parquet-load.js
// Figures and the choice are recorded in bench/RESULTS.md.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Columns } from '../src/forge/datasets/manifest.js';

// Libraries are imported inside each reader so that a cold run (a fresh process, as `forge evolve`
// is) pays for loading its own reader and nothing else.
const readParquetColumns = async (file: string) =>
  (await import('../src/forge/datasets/parquet.js')).readParquetColumns(file);

const BARS = 140_000;
const PJS_BARS = 14_000; // parquetjs-lite is two orders of magnitude slower on DuckDB files: time a tenth, scale up
const RUNS = 5;
const NAMES = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

async function writeFixture(conn: DuckDBConnection, file: string, bars: number): Promise<void> {
  // A seeded random walk: realistic, high-cardinality doubles (no dictionary encoding shortcuts).
  await conn.run('SELECT setseed(0.42)');
  await conn.run(`COPY (
    WITH r AS (SELECT i, 1609459200000 + i * 900000 AS ts, random() - 0.5 AS e, random() AS u FROM range(${bars}) t(i)),
         p AS (SELECT i, ts, u, 30000 * exp(sum(e * 0.004) OVER (ORDER BY i)) AS open FROM r)
    SELECT ts::BIGINT AS ts, open, open * (1 + u * 0.003) AS high, open * (1 - u * 0.003) AS low,
           open * (1 + (u - 0.5) * 0.002) AS close, u * 1000 AS volume FROM p ORDER BY ts
  ) TO '${file}' (FORMAT parquet)`);
}

/** hyparquet straight: boxed arrays per row group, copied into typed arrays. */
async function hyparquetNaive(file: string): Promise<Columns> {
  const { parquetRead } = await import('hyparquet');
  const buf = fs.readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const cols = NAMES.map(() => [] as unknown[]);
  await parquetRead({
    file: ab,
    columns: [...NAMES],
    onComplete: (rows: unknown[][]) => {
      for (const row of rows) for (let c = 0; c < NAMES.length; c++) cols[c].push(row[c]);
    },
  });
  const n = cols[0].length;
  const out = NAMES.map(() => new Float64Array(n));
  for (let c = 0; c < NAMES.length; c++) for (let i = 0; i < n; i++) out[c][i] = Number(cols[c][i]);
  return { time: out[0], open: out[1], high: out[2], low: out[3], close: out[4], volume: out[5] };
}

/** DuckDB in-memory instance, read_parquet, vector items copied into Float64Arrays. */
async function duckdbRead(file: string): Promise<Columns> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    const countRows = await conn.runAndReadAll(`SELECT count(*)::DOUBLE FROM read_parquet('${file}')`);
    const n = Number(countRows.getRows()[0][0]);
    const out = NAMES.map(() => new Float64Array(n));
    const result = await conn.run(
      `SELECT ts::DOUBLE, open, high, low, close, volume FROM read_parquet('${file}') ORDER BY ts`,
    );
    let at = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (let c = 0; c < NAMES.length; c++) {
        const v = chunk.getColumnVector(c);
        const dst = out[c];
        for (let i = 0; i < chunk.rowCount; i++) dst[at + i] = v.getItem(i) as number;
      }
      at += chunk.rowCount;
    }
    return { time: out[0], open: out[1], high: out[2], low: out[3], close: out[4], volume: out[5] };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The part of parquetjs-lite's reader used here (the package ships no types). */
interface ParquetjsReader {
  getRowCount(): number | bigint;
  getCursor(): { next(): Promise<Record<string, unknown> | null> };
  close(): Promise<void>;
}

/** parquetjs-lite (the design card's choice): row cursor. */
async function parquetjsRead(file: string): Promise<Columns> {
  const require = createRequire(import.meta.url);
  const parquet = require('parquetjs-lite') as { ParquetReader: { openFile(f: string): Promise<ParquetjsReader> } };
  const reader = await parquet.ParquetReader.openFile(file);
  const n = Number(reader.getRowCount());
  const out = NAMES.map(() => new Float64Array(n));
  const cursor = reader.getCursor();
  let i = 0;
  for (let rec = await cursor.next(); rec; rec = await cursor.next()) {
    for (let c = 0; c < NAMES.length; c++) out[c][i] = Number(rec[NAMES[c]]);
    i++;
  }
  await reader.close();
  return { time: out[0], open: out[1], high: out[2], low: out[3], close: out[4], volume: out[5] };
}

function sameColumns(a: Columns, b: Columns): boolean {
  if (a.time.length !== b.time.length) return false;
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    for (let i = 0; i < a[k].length; i++) if (a[k][i] !== b[k][i]) return false;
  }
  return true;
}

async function time(
  label: string,
  runs: number,
  fn: () => Promise<Columns>,
  scale = 1,
): Promise<{ label: string; first: number; median: number; cols: Columns }> {
  const ms: number[] = [];
  let cols: Columns | undefined;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    cols = await fn();
    ms.push((performance.now() - t0) * scale);
  }
  const sorted = [...ms].sort((x, y) => x - y);
  return { label, first: ms[0], median: sorted[Math.floor(sorted.length / 2)], cols: cols! };
}

/** A built-dataset folder (as `forge datasets build` lays it out) around the fixture: 15m plus 1h, 4h, 1d. */
async function makeFixtureDataset(dir: string, base: string) {
  const { forgeHome } = await import('../src/forge/home.js');
  const { contentHash, writeManifest, MANIFEST_FORMAT } = await import('../src/forge/datasets/manifest.js');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const home = forgeHome(path.join(dir, 'home'));
  const ds = path.join(home.datasetsDir, 'BENCH');
  fs.mkdirSync(ds, { recursive: true });
  fs.copyFileSync(base, path.join(ds, '15m.parquet'));
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const tfs: [string, number][] = [
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['4h', 14_400_000],
    ['1d', 86_400_000],
  ];
  for (const [tf, ms] of tfs.slice(1)) {
    await conn.run(`COPY (SELECT (ts // ${ms}) * ${ms} AS ts, first(open ORDER BY ts) AS open, max(high) AS high, min(low) AS low,
      last(close ORDER BY ts) AS close, sum(volume) AS volume FROM read_parquet('${base}') GROUP BY 1 ORDER BY 1) TO '${path.join(ds, tf + '.parquet')}' (FORMAT parquet)`);
  }
  conn.closeSync();
  inst.closeSync();
  const parts = [];
  for (const [tf] of tfs) parts.push({ tf, columns: await readParquetColumns(path.join(ds, tf + '.parquet')) });
  writeManifest(ds, {
    format: MANIFEST_FORMAT,
    name: 'BENCH',
    symbol: 'BENCH',
    regime: 'cycle',
    description: '',
    baseTf: '15m',
    window: { from: '', to: '', fromMs: 0, toMs: 0 },
    hash: contentHash(parts),
    source: 'synthetic',
    builtAt: '',
    forgeVersion: '',
    timeframes: parts.map(({ tf, columns }) => ({
      tf,
      tfMs: tfs.find((t) => t[0] === tf)![1],
      bars: columns.time.length,
      first: columns.time[0],
      last: columns.time[columns.time.length - 1],
      file: tf + '.parquet',
    })),
  });
  return home;
}

const READERS: Record<string, (file: string) => Promise<Columns>> = {
  'forge load.ts readParquetColumns (hyparquet, typed copy)': readParquetColumns,
  'hyparquet parquetRead, rows then copy': hyparquetNaive,
  'DuckDB :memory: read_parquet, getItem copy': duckdbRead,
};

const LOAD_DATASET = 'forge loadDataset: the 15m file plus 1h, 4h, 1d files, hash verified';

/** One load in a fresh node process, including importing the reader: what a CLI command pays once. */
function cold(label: string, file: string): number {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold', label, file], { encoding: 'utf8' });
  const ms = Number(/cold-ms=([\d.]+)/.exec(r.stdout)?.[1]);
  if (!Number.isFinite(ms)) throw new Error(`cold run of ${label} failed: ${r.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--cold') {
    const t0 = performance.now();
    if (process.argv[3] === LOAD_DATASET) {
      const [{ loadDataset }, { forgeHome }] = await Promise.all([
        import('../src/forge/datasets/load.js'),
        import('../src/forge/home.js'),
      ]);
      await loadDataset(forgeHome(process.argv[4]), 'BENCH');
    } else {
      await READERS[process.argv[3]](process.argv[4]);
    }
    console.log(`cold-ms=${performance.now() - t0}`);
    return;
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-bench-parquet-'));
  const big = path.join(dir, 'base.parquet');
  const small = path.join(dir, 'small.parquet');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  await writeFixture(conn, big, BARS);
  await writeFixture(conn, small, PJS_BARS);
  conn.closeSync();
  inst.closeSync();

  const colds = Object.keys(READERS).map((label) => cold(label, big));
  const results = [];
  for (const [label, fn] of Object.entries(READERS)) results.push(await time(label, RUNS, () => fn(big)));
  const pjs = await time(
    `parquetjs-lite cursor (${PJS_BARS} bars, scaled x${BARS / PJS_BARS})`,
    1,
    () => parquetjsRead(small),
    BARS / PJS_BARS,
  );

  const ref = results[2].cols;
  const home = await makeFixtureDataset(dir, big);
  const { loadDataset } = await import('../src/forge/datasets/load.js');
  const coldLoad = cold(LOAD_DATASET, home.root);
  const loaded = await time(LOAD_DATASET, RUNS, async () => {
    const feed = (await loadDataset(home, 'BENCH')).feeds['15m'];
    return { time: feed.time, open: feed.open, high: feed.high, low: feed.low, close: feed.close, volume: feed.volume };
  });
  const smallRef = await readParquetColumns(small);
  console.log(
    `node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${BARS} bars x 6 columns, ${(fs.statSync(big).size / 2 ** 20).toFixed(1)} MiB Parquet (DuckDB-written, snappy)`,
  );
  console.log(
    '| reader | cold: fresh process, incl. import (ms) | first in-process run (ms) | median of 5 (ms) | values equal DuckDB |',
  );
  console.log('|---|---:|---:|---:|---|');
  results.forEach((r, i) => {
    console.log(
      `| ${r.label} | ${colds[i].toFixed(0)} | ${r.first.toFixed(0)} | ${r.median.toFixed(0)} | ${sameColumns(r.cols, ref)} |`,
    );
  });
  console.log(`| ${pjs.label} | - | ${pjs.first.toFixed(0)} | - | ${sameColumns(pjs.cols, smallRef)} |`);
  console.log(
    `| ${loaded.label} | ${coldLoad.toFixed(0)} | ${loaded.first.toFixed(0)} | ${loaded.median.toFixed(0)} | ${sameColumns(loaded.cols, ref)} |`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
