import fs from 'node:fs';
import { ForgeError } from '../../engine/errors.js';
import type { ForgeHome } from '../home.js';
import { inStoreChild } from '../store/child.js';
import { summarisedSeries } from '../store/ls.js';
import { SYNTHETIC_SOURCE } from '../store/store.js';
import { findDataset, loadCatalog, type DatasetDef } from './catalog.js';
import type { Counts } from './counts.js';
import { datasetDir, readBuilt, type BuiltDataset } from './folder.js';
import type { Manifest } from './manifest.js';
import type { DataPolicy } from './sync.js';

// Making sure a run's dataset is built and current, apart from build.ts: every run but a dataset's
// first finds it built and needs only the catalog and the build's manifest. The build path (the
// store, the Binance fetcher with node:http and node:https, unzipping, resampling, synthetic candles)
// is imported only when a dataset is built or synced, not compiled and run at every search's start
// (bench/small-search.mjs, issue 11 point 3).

export interface EnsureOptions {
  readonly allowSynthetic: boolean;
  readonly warn: (msg: string) => void;
  readonly progress?: (msg: string) => void;
  readonly data?: DataPolicy;
  /**
   * Resuming a run: a build that matches the catalog is kept even if real candles arrived since
   * (the run's hash is of it).
   */
  readonly keepBuilt?: boolean;
}

/** The dataset's manifest, building it first when it is absent or its catalog entry changed. */
export async function ensureDataset(home: ForgeHome, name: string, o: EnsureOptions): Promise<Manifest> {
  return (await ensureBuilt(home, name, o)).manifest;
}

/** ensureDataset with the folder of the build it names (what a load reads, see load.ts). */
export async function ensureBuilt(home: ForgeHome, name: string, o: EnsureOptions): Promise<BuiltDataset> {
  const def = findDataset(loadCatalog(home), name);
  let built: BuiltDataset | null = null;
  try {
    built = readBuilt(datasetDir(home, name));
  } catch (err) {
    if (!(err instanceof ForgeError)) throw err;
    o.warn(`dataset ${name}: ${err.message}; rebuilding it`);
  }
  const build = { allowSynthetic: o.allowSynthetic, warn: o.warn, progress: o.progress, data: o.data };
  if (built !== null) {
    if (!matchesDef(built.manifest, def)) {
      o.warn(`dataset ${name}: its catalog entry changed since it was built; rebuilding it`);
    } else if (built.manifest.source === 'synthetic' && !o.keepBuilt && (await realCandlesArrived(home, def, o))) {
      o.warn(
        `dataset ${name}: the store now holds real ${def.symbol} ${def.baseTf} candles; ` +
          'rebuilding it from them instead of the synthetic stand-in',
      );
      const { buildVersion } = await import('./build.js');
      return buildVersion(home, def, { ...build, data: { ...o.data, sync: undefined } });
    } else {
      return built;
    }
  }
  const { buildVersion } = await import('./build.js');
  return buildVersion(home, def, build);
}

/** A stand-in was built before: have real candles been imported since, or can they be fetched now? */
async function realCandlesArrived(home: ForgeHome, def: DatasetDef, o: EnsureOptions): Promise<boolean> {
  if (o.data?.sync !== undefined) {
    const { syncDataset } = await import('./sync.js');
    if (await syncDataset(home, def, o.data.sync, o.warn, o.progress ?? o.warn)) return true;
  }
  if (!fs.existsSync(home.storePath)) return false;
  // The summary every candle write leaves beside the store answers "no" without starting DuckDB in a
  // child (~0.5 s): no series of this symbol and timeframe, only synthetic candles, or none in the window.
  if (noRealCandlesSummarised(home.storePath, def)) return false;
  try {
    // In a child process: a search that checks its stand-in dataset here must not map DuckDB for it.
    return (await inStoreChild<Counts>({ op: 'count-candles', storePath: home.storePath, def })).real > 0;
  } catch (err) {
    // A store another command holds (a long import) must not stop a run that has its dataset built.
    if (err instanceof ForgeError) return false;
    throw err;
  }
}

function matchesDef(m: Manifest, def: DatasetDef): boolean {
  const tfs = [def.baseTf, ...def.derivedTfs];
  return (
    m.symbol === def.symbol &&
    m.baseTf === def.baseTf &&
    m.window.fromMs === def.from &&
    m.window.toMs === def.to &&
    m.timeframes.length === tfs.length &&
    m.timeframes.every((t, i) => t.tf === tfs[i])
  );
}

/**
 * True when the store's summary shows no real candle of the dataset's symbol and base timeframe in its
 * window: no such series, only synthetic candles, or its real ones all outside [from, to). False when
 * unsure (no trustworthy summary, or real candles the summary cannot place: ask the store).
 */
export function noRealCandlesSummarised(storePath: string, def: DatasetDef): boolean {
  const series = summarisedSeries(storePath);
  if (series === undefined) return false;
  const s = series.find((x) => x.symbol === def.symbol && x.tf === def.baseTf);
  if (s === undefined || s.sources.every((src) => src === SYNTHETIC_SOURCE)) return true;
  // Real and synthetic candles share one range in the summary: only a range that misses the window
  // says there are no real ones in it.
  return Date.parse(s.last) < def.from || Date.parse(s.first) >= def.to;
}
