import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { defaultGenome, parsePlay, resolvePlay } from '../../engine/play/index.js';
import { writeFileAtomic } from '../atomic.js';
import type { DataPolicy } from '../datasets/sync.js';
import { playFitFix } from '../datasets/plays-fit.js';
import { loadSharedDataset } from '../datasets/load-shared.js';
import { openEvaluationPool } from '../distributed/open-pool.js';
import { NO_CHECKPOINT_GIVE_UP_MS } from '../distributed/reachability.js';
import type { EvalBatchResult, EvalItem, EvalJob } from '../eval/evaluator.js';
import { checkGrid } from '../ga/grid.js';
import { playIdentity } from '../ga/play-identity.js';
import type { ForgeHome } from '../home.js';
import { defaultWorkers, type BatchPool } from '../pool/pool.js';
import { acquireRunFolder, runId as computeRunId } from '../runs/run-folder.js';
import { sharedFeeds } from '../shared/columns.js';
import { aggregate, verdict } from './aggregate.js';
import type { WalkforwardConfig } from './config.js';
import { equityCsv, stitchEquity, summarise } from './equity.js';
import { recordWalkforward } from './record.js';
import type { RangeInfo, WalkforwardReport, WindowRecord } from './types.js';
import { SearchStopped, searchWindows, type SearchProgress } from './search.js';
import { generateWindows, rangeInfo, type Range, type WalkWindow } from './windows.js';

// `forge walkforward` without the printing: load the dataset once into shared memory, compute every
// window up front, search all windows on one pool, test each winner on its unseen range, aggregate,
// stitch the out-of-sample equity, then write the run folder (atomic files) and DuckDB (one
// transaction). walkforward.json holds nothing that depends on timing or the worker count, so runs
// with the same config and seed compare byte for byte.

export interface WalkforwardOutcome extends WalkforwardReport {
  readonly status: 'finished';
  readonly runDir: string;
  readonly equityCsv: string;
  readonly reused: boolean;
  readonly workers: number;
  readonly wallMs: number;
  readonly evaluationsPerSec: number;
}

export interface WalkforwardEvents {
  warn(message: string): void;
  start(info: {
    runId: string;
    runDir: string;
    dataset: WalkforwardReport['dataset'];
    timeframe: string;
    bars: number;
    windows: readonly WindowRecordRanges[];
    workers: number;
    genes: number;
  }): void;
  generation(p: SearchProgress & { elapsedMs: number; etaMs: number; windows: number }): void;
  window(w: WindowRecord, total: number): void;
}

/**
 * Stopped on request (SIGINT/SIGTERM) at the end of a generation: no result was written (a walk-forward
 * has no checkpoint; walkforward.json, equity.csv and the store records are written only when it ends),
 * the run lock is released, and running the same command again starts it over.
 */
export interface WalkforwardStopped {
  readonly status: 'interrupted';
  readonly runId: string;
  readonly runDir: string;
  /** Generations every window had completed. */
  readonly generationsDone: number;
  readonly generations: number;
}

export interface WalkforwardControl {
  stopRequested(): boolean;
}

export type WindowRecordRanges = Pick<WindowRecord, 'index' | 'train' | 'test'>;

// Each worker's private fallback cache: the shared feature store holds the features.
const CACHE_BYTES = 32 * 1024 * 1024;

export function walkforwardPaths(runDir: string) {
  return {
    config: path.join(runDir, 'config.json'),
    report: path.join(runDir, 'walkforward.json'),
    equity: path.join(runDir, 'equity.csv'),
  };
}

export async function runWalkforward(
  home: ForgeHome,
  config: WalkforwardConfig,
  op: {
    workers?: number;
    featureMemory?: number;
    redis?: string;
    data?: DataPolicy;
    /** The command that runs this walk-forward again (password hidden), said when Redis is lost. */
    rerun?: string;
  },
  events: WalkforwardEvents,
  control: WalkforwardControl = { stopRequested: () => false },
): Promise<WalkforwardOutcome | WalkforwardStopped> {
  const t0 = Date.now();
  const playText = fs.readFileSync(config.play, 'utf8');
  const space = parsePlay(playText, config.play); // a bad play fails here, before any dataset work
  if (space.genes.length === 0)
    throw new ForgeError(
      `${config.play} has no genes: there is nothing to optimise per window`,
      'make numbers genes, e.g. period: {int: [5, 50]}',
      'E_NO_GENES',
    );
  // Loaded before the run id is made: the id names the hash of the very bytes the windows are searched on.
  const loaded = await loadSharedDataset(home, config.dataset, {
    ensure: { allowSynthetic: true, warn: events.warn, data: op.data },
  });
  const { manifest } = loaded;
  const playSha = createHash('sha256').update(playText).digest('hex');
  const id = computeRunId({ ...config, play: playSha }, manifest.hash, config.seed);
  const folder = await acquireRunFolder(home.runsDir, id);
  const files = walkforwardPaths(folder.dir);
  const workers = op.workers ?? defaultWorkers();
  let pool: BatchPool<EvalItem, EvalBatchResult> | undefined;
  try {
    if (fs.existsSync(files.report) && fs.existsSync(files.equity)) {
      const stored = JSON.parse(fs.readFileSync(files.report, 'utf8')) as WalkforwardReport;
      return {
        ...stored,
        status: 'finished',
        runDir: folder.dir,
        equityCsv: files.equity,
        reused: true,
        workers,
        wallMs: Date.now() - t0,
        evaluationsPerSec: 0,
      };
    }
    const feeds = sharedFeeds(loaded.shared);
    const dataset = { name: manifest.name, hash: manifest.hash, source: manifest.source };
    const tf = resolvePlay(space, defaultGenome(space.genes)).market.tf;
    const feed = feeds[tf];
    if (feed === undefined) {
      throw new ForgeError(
        `the play's timeframe ${tf} is not in dataset ${manifest.name} (it has ${Object.keys(feeds).join(', ')})`,
        playFitFix(manifest.name, tf, Object.keys(feeds)),
        'E_WF_TIMEFRAME',
      );
    }
    const windows: WalkWindow[] = generateWindows(config, feed.time, feed.tfMs);
    writeFileAtomic(files.config, JSON.stringify({ runId: id, config, playText, dataset }, null, 2) + '\n');
    events.start({
      runId: id,
      runDir: folder.dir,
      dataset,
      timeframe: tf,
      bars: feed.length,
      windows: windows.map((w) => ({ index: w.index, train: rangeInfo(w.train), test: rangeInfo(w.test) })),
      workers,
      genes: space.genes.length,
    });

    const shared = loaded.shared;
    const whole: Range = [windows[0].train[0], windows[windows.length - 1].test[1]];
    const job: EvalJob = {
      playText,
      playFile: config.play,
      cash: config.cash,
      inSample: whole,
      outOfSample: null,
      fitness: config.fitness,
      cacheBytes: CACHE_BYTES,
    };
    pool = await openEvaluationPool(
      job,
      [shared],
      { workers, featureMemory: op.featureMemory, redis: op.redis },
      {
        runId: id,
        // No checkpoint: the same command starts it over (the run id is the same), so a Redis that
        // stays away ends the run within seconds instead of being waited for.
        resume: (redis) => op.rerun ?? `the same forge walkforward command again (with --redis ${redis})`,
        log: events.warn,
        stopRequested: () => control.stopRequested(),
        giveUpAfterMs: NO_CHECKPOINT_GIVE_UP_MS,
      },
    );

    const searchStart = Date.now();
    let generationsDone = 0;
    const onProgress = (p: SearchProgress) => {
      const elapsed = Date.now() - searchStart;
      generationsDone = p.generation;
      const etaMs = p.generation > 0 ? (elapsed / p.generation) * (p.generations - p.generation) : NaN;
      events.generation({ ...p, elapsedMs: elapsed, etaMs, windows: windows.length });
    };
    if (config.ga.method === 'grid') checkGrid(space.genes, config.ga.budget);
    let records: WindowRecord[];
    try {
      records = await searchWindows(
        windows,
        space.genes,
        config.ga,
        config.fitness,
        config.seed,
        pool,
        onProgress,
        playIdentity(space),
        control.stopRequested,
      );
    } catch (err) {
      if (!(err instanceof SearchStopped)) throw err;
      return {
        status: 'interrupted',
        runId: id,
        runDir: folder.dir,
        generationsDone,
        generations: config.ga.generations,
      };
    }
    const searchMs = Date.now() - searchStart;
    const evaluations = records.reduce((s, r) => s + r.evaluations, 0);
    for (const r of records) events.window(r, records.length);

    const agg = aggregate(records);
    const curve = stitchEquity(
      records.map((r, i) => ({ index: r.index, test: windows[i].test, genome: r.status === 'ok' ? r.genome : null })),
      space,
      feeds,
      feed,
      config.cash,
    );
    const report: WalkforwardReport = {
      runId: id,
      kind: 'walkforward',
      dataset,
      config,
      playText,
      timeframe: tf,
      windows: records,
      aggregate: agg,
      verdict: verdict(agg, config.criteria),
      stitched: summarise(curve, config.cash),
    };
    writeFileAtomic(files.equity, equityCsv(curve));
    await recordWalkforward(home.storePath, report);
    // Last: its presence marks the run complete (a rerun of the same id shows it instead of recomputing).
    writeFileAtomic(files.report, JSON.stringify(report, null, 2) + '\n');
    return {
      ...report,
      status: 'finished',
      runDir: folder.dir,
      equityCsv: files.equity,
      reused: false,
      workers,
      wallMs: Date.now() - t0,
      evaluationsPerSec: searchMs > 0 ? (evaluations * 1000) / searchMs : 0,
    };
  } finally {
    await pool?.close();
    folder.release();
  }
}

export type { RangeInfo, WalkforwardReport, WindowRecord };
