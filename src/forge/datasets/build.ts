import fs from 'node:fs';
import path from 'node:path';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import type { ForgeHome } from '../home.js';
import { preflight, type MarketCalendar, type PreflightReport } from '../store/check.js';
import { longGaps, MAX_GAP_BARS } from '../store/spacing.js';
import { resampleSql } from '../store/resample.js';
import { CandleStore, SYNTHETIC_SOURCE } from '../store/store.js';
import { countCandles } from './counts.js';
import { syncDataset, type DataPolicy } from './sync.js';
import { storeSynthetic } from '../store/synth.js';
import { findDataset, iso, isShipped, loadCatalog, shippedSymbols, type DatasetDef } from './catalog.js';
import { readParquetColumns } from './parquet.js';
import { makeDir } from '../atomic.js';
import { crashPoint } from '../crash-point.js';
import { acquireLock } from '../lock.js';
import {
  BUILD_LOCK,
  type BuiltDataset,
  datasetDir,
  nextVersion,
  publishVersion,
  recoverLegacySwap,
  removeLeftovers,
} from './folder.js';
import {
  contentHash,
  forgeVersion,
  MANIFEST_FORMAT,
  writeManifest,
  type Columns,
  type Manifest,
  type TimeframeEntry,
} from './manifest.js';

// The DataPreloader: the single writer that turns a window of the candle store into an immutable
// dataset version (one Parquet file per timeframe + manifest.json, see folder.ts for the layout and
// the atomic switch). Every later run only reads these.

/** The stand-in's seed when none is given, so that two fresh machines build the same synthetic dataset. */
export const DEFAULT_SYNTHETIC_SEED = 'forge';

export interface BuildOptions {
  /** No real candles for the symbol/base timeframe: generate the regime-shaped synthetic stand-in. */
  readonly allowSynthetic: boolean;
  /** The user asked for --synthetic explicitly (then ignoring it because real candles exist is worth a warning). */
  readonly syntheticRequested?: boolean;
  readonly seed?: string | number;
  readonly warn: (msg: string) => void;
  /** Progress, e.g. after each timeframe's Parquet file is written. Throwing aborts the build. */
  readonly progress?: (msg: string) => void;
  /** Auto-sync and the --synthetic rule of evolve/walkforward/build; absent: neither (library callers). */
  readonly data?: DataPolicy;
}

/** Builds the named catalog datasets one after another (serial: one store writer). */
export async function buildDatasets(home: ForgeHome, names: readonly string[], o: BuildOptions): Promise<Manifest[]> {
  const catalog = loadCatalog(home);
  const defs = (names.length > 0 ? names : [...catalog.keys()]).map((n) => findDataset(catalog, n));
  const out: Manifest[] = [];
  for (const def of defs) out.push(await buildDataset(home, def, o));
  return out;
}

export async function buildDataset(home: ForgeHome, def: DatasetDef, o: BuildOptions): Promise<Manifest> {
  return (await buildVersion(home, def, o)).manifest;
}

/** buildDataset with the folder of the new version. */
export async function buildVersion(home: ForgeHome, def: DatasetDef, o: BuildOptions): Promise<BuiltDataset> {
  // Before the store is opened here: the fetch writes to it through its own connection.
  if (o.data?.sync !== undefined) await syncDataset(home, def, o.data.sync, o.warn, o.progress ?? o.warn);
  const store = await CandleStore.open(home.storePath);
  try {
    const { source, seed } = await prepareCandles(store, def, o);
    const report = await preflight(store, { symbol: def.symbol, tf: def.baseTf, from: def.from, to: def.to });
    assertPreflight(def, source === 'real' ? await tolerateOutages(store, def, report) : report, o.warn);
    if (source === 'synthetic' && seed === undefined) {
      o.warn(
        `dataset ${def.name} is SYNTHETIC: the store's ${def.symbol} ${def.baseTf} candles in its window ` +
          'are synthetic (forge data synth), not market data',
      );
    }
    return await exportAtomically(home, store, def, source, seed, o);
  } finally {
    store.close();
  }
}

/** Decides real or synthetic, generating the stand-in when allowed and needed. Real data always wins. */
async function prepareCandles(
  store: CandleStore,
  def: DatasetDef,
  o: BuildOptions,
): Promise<{ source: 'real' | 'synthetic'; seed?: string }> {
  const what = `${def.symbol} ${def.baseTf}`;
  let c = await countCandles(store, def);
  let seed: string | undefined;
  if (c.realAll > 0) {
    if (o.syntheticRequested)
      o.warn(
        `dataset ${def.name}: the store holds real ${what} candles, ` +
          'so they are used and --synthetic is ignored (real data always wins)',
      );
  } else if (o.allowSynthetic) {
    if (o.data !== undefined && !o.data.synthetic && !o.syntheticRequested) await assertKnownSymbol(store, def);
    seed = String(o.seed ?? DEFAULT_SYNTHETIC_SEED);
    const made = await storeSynthetic(store, {
      symbol: def.symbol,
      tf: def.baseTf,
      from: def.from,
      to: def.to,
      seed,
      shape: def.regime,
    });
    o.warn(
      `dataset ${def.name} is SYNTHETIC: the store has no real ${what} candles, ` +
        `so forge generated a regime-shaped (${def.regime}) stand-in of ${made.bars} bars (seed ${seed}); ` +
        'it is not market data',
    );
    c = await countCandles(store, def);
  } else if (c.synthetic === 0) {
    throw new ForgeError(
      `dataset ${def.name}: the store ${store.path} has no ${what} candles`,
      `import real candles (forge data import FILE --symbol ${def.symbol} --tf ${def.baseTf}), ` +
        `or build a synthetic stand-in: forge datasets build ${def.name} --synthetic`,
      'E_NO_CANDLES',
    );
  }
  if (c.real > 0 && c.synthetic > 0) {
    throw new ForgeError(
      `dataset ${def.name}: the window ${iso(def.from)}..${iso(def.to)} ` +
        `mixes ${c.real} real and ${c.synthetic} synthetic ${what} candles`,
      'a dataset is either real or synthetic: ' +
        're-import the real file so that it covers the whole window, or build from a fresh store',
      'E_MIXED_SOURCES',
    );
  }
  return { source: c.synthetic > 0 ? 'synthetic' : 'real', seed };
}

/**
 * A user-catalog symbol that neither the shipped catalog nor the store knows is most likely a typo:
 * generating a stand-in for it would quietly evolve on made-up candles, so it takes --synthetic.
 */
async function assertKnownSymbol(store: CandleStore, def: DatasetDef): Promise<void> {
  if (isShipped(def)) return;
  const known = shippedSymbols();
  for (const r of await store.all<{ symbol: string }>('SELECT DISTINCT symbol FROM candles WHERE source <> $1', [
    SYNTHETIC_SOURCE,
  ]))
    known.add(r.symbol);
  if (known.has(def.symbol)) return;
  throw new ForgeError(
    `dataset ${def.name} (${def.definedAt}): no candles of symbol '${def.symbol}' in the store, ` +
      `and no shipped dataset uses it${suggestion(def.symbol, known)}`,
    'fix the symbol in the catalog, get its candles ' +
      `(forge data fetch --symbol ${def.symbol} --tf ${def.baseTf} --from ${iso(def.from)} --to ${iso(def.to)}, ` +
      `or forge data import), or pass --synthetic to run on a labelled synthetic stand-in`,
    'E_UNKNOWN_SYMBOL',
  );
}

/**
 * Exchanges stop trading for maintenance (Binance's BTCUSDT spot has 1-5 hour holes in 2021), so
 * real candles have short gaps that no file can fill. Holes shorter than the import's gap rule stay
 * holes (the engine compares times, never positions) and become a warning; anything else still fails.
 */
async function tolerateOutages(store: CandleStore, def: DatasetDef, r: PreflightReport): Promise<PreflightReport> {
  const gaps = r.checks.find((c) => c.name === 'gaps');
  if (gaps?.status !== 'fail' || r.checks.some((c) => c !== gaps && c.status === 'fail')) return r;
  const rows = await store.all<{ ts: number }>(
    'SELECT CAST(ts AS DOUBLE) AS ts FROM candles WHERE symbol = $1 AND tf = $2 AND ts >= $3 AND ts < $4 ORDER BY ts',
    [def.symbol, def.baseTf, BigInt(def.from), BigInt(def.to)],
  );
  const cal = await store.all<{ calendar: MarketCalendar }>('SELECT calendar FROM symbols WHERE symbol = $1', [
    def.symbol,
  ]);
  const ts = Float64Array.from(rows, (x) => x.ts);
  if (longGaps(ts, ts.length, def.baseTf, cal[0]?.calendar ?? '24x7').length > 0) return r;
  const detail =
    `${gaps.detail}; each shorter than ${MAX_GAP_BARS} bars (exchange downtime), ` + 'kept as gaps, no bars invented';
  return { ...r, ok: true, checks: r.checks.map((c) => (c === gaps ? { ...c, status: 'warn' as const, detail } : c)) };
}

function assertPreflight(def: DatasetDef, r: PreflightReport, warn: (msg: string) => void): void {
  const detail = (c: PreflightReport['checks'][number]) =>
    `${c.name}: ${c.detail}${
      c.examples.length > 0
        ? ` (e.g. ${c.examples
            .slice(0, 3)
            .map((e) => `${new Date(e.ts).toISOString()} ${e.reason}`)
            .join('; ')})`
        : ''
    }`;
  for (const c of r.checks) if (c.status === 'warn') warn(`dataset ${def.name}: preflight warning, ${detail(c)}`);
  if (r.ok) return;
  const failed = r.checks.filter((c) => c.status === 'fail');
  throw new ForgeError(
    `dataset ${def.name}: preflight of ${def.symbol} ${def.baseTf} over ${iso(def.from)}..${iso(def.to)} failed, ` +
      'nothing was written:\n' +
      failed.map((c) => `  - ${detail(c)}`).join('\n'),
    `see \`forge data check --symbol ${def.symbol} --tf ${def.baseTf} --from ${iso(def.from)} --to ${iso(def.to)}\`; ` +
      (failed.some((c) => c.name === 'coverage')
        ? `import candles covering the whole window, or change the window in the catalog`
        : `re-import a corrected file, then rebuild`),
    'E_PREFLIGHT',
  );
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function exportAtomically(
  home: ForgeHome,
  store: CandleStore,
  def: DatasetDef,
  source: 'real' | 'synthetic',
  seed: string | undefined,
  o: BuildOptions,
): Promise<BuiltDataset> {
  const top = datasetDir(home, def.name);
  recoverLegacySwap(top);
  makeDir(top);
  const lock = await acquireLock(
    path.join(top, BUILD_LOCK),
    (holder) =>
      new ForgeError(
        `dataset ${def.name} is being built by another forge process (${holder})`,
        'wait for that build to finish, then retry',
        'E_DATASET_LOCKED',
      ),
  );
  try {
    removeLeftovers(top); // what killed builds left; nobody else builds here while we hold the lock
    const version = nextVersion(top);
    const dir = path.join(top, version);
    fs.mkdirSync(dir);
    let manifest: Manifest;
    try {
      manifest = await exportVersion(dir, store, def, source, seed, o);
    } catch (err) {
      removeQuietly(dir);
      throw err;
    }
    crashPoint('dataset-after-export');
    publishVersion(top, version); // the one atomic step: before it the old build is current, after it the new
    crashPoint('dataset-after-publish');
    removeLeftovers(top);
    return { manifest, dir };
  } finally {
    lock.release();
  }
}

/** Writes the Parquet files and the manifest of one version into `dir` (not yet current). */
async function exportVersion(
  dir: string,
  store: CandleStore,
  def: DatasetDef,
  source: 'real' | 'synthetic',
  seed: string | undefined,
  o: BuildOptions,
): Promise<Manifest> {
  const parts: { tf: string; columns: Columns }[] = [];
  const entries: TimeframeEntry[] = [];
  for (const tf of [def.baseTf, ...def.derivedTfs]) {
    const q =
      tf === def.baseTf
        ? {
            sql:
              'SELECT ts, open, high, low, close, volume FROM candles ' +
              'WHERE symbol = $1 AND tf = $2 AND ts >= $3 AND ts < $4',
            params: [def.symbol, def.baseTf, BigInt(def.from), BigInt(def.to)] as (string | number | bigint)[],
          }
        : resampleSql(def.symbol, def.baseTf, tf, { from: def.from, to: def.to });
    const file = `${tf}.parquet`;
    await store.run(
      `COPY (SELECT CAST(ts AS BIGINT) AS ts, CAST(open AS DOUBLE) AS open, CAST(high AS DOUBLE) AS high,
                    CAST(low AS DOUBLE) AS low,
                    CAST(close AS DOUBLE) AS close, CAST(volume AS DOUBLE) AS volume
             FROM (${q.sql}) ORDER BY ts) TO ${quote(path.join(dir, file))} (FORMAT parquet)`,
      q.params,
    );
    // The hash is taken over what the loader reads back, so a build proves its own files load.
    const columns = await readParquetColumns(path.join(dir, file));
    const n = columns.time.length;
    parts.push({ tf, columns });
    entries.push({
      tf,
      tfMs: timeframeMs(tf),
      bars: n,
      first: n > 0 ? columns.time[0] : null,
      last: n > 0 ? columns.time[n - 1] : null,
      file,
    });
    o.progress?.(`${def.name}: ${tf} ${n} bars`);
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    name: def.name,
    symbol: def.symbol,
    regime: def.regime,
    description: def.description,
    window: {
      from: new Date(def.from).toISOString(),
      to: new Date(def.to).toISOString(),
      fromMs: def.from,
      toMs: def.to,
    },
    baseTf: def.baseTf,
    timeframes: entries,
    hash: contentHash(parts),
    source,
    ...(seed !== undefined ? { seed } : {}),
    builtAt: new Date().toISOString(),
    forgeVersion: forgeVersion(),
  };
  writeManifest(dir, manifest);
  return manifest;
}

/** Clean-up after a failure: its own error must not replace the one being reported. */
function removeQuietly(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    /* the next build removes it (removeLeftovers) */
  }
}
