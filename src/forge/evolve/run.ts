import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { ForgeError } from '../../engine/errors.js';
import { defaultGenome, describeGenome, describePlay, parsePlay, resolvePlay } from '../../engine/play/index.js';
import { writeFileAtomic } from '../atomic.js';
import { sharedPlaySpace } from '../eval/resolved-plays.js';
import { playFitFix } from '../datasets/plays-fit.js';
import { loadSharedDataset, type SharedLoad } from '../datasets/load-shared.js';
import { EvaluatedSet } from '../ga/evaluated.js';
import { checkGrid } from '../ga/grid.js';
import { playIdentity } from '../ga/play-identity.js';
import { evolve, initialState, type GAState, type GenerationStats } from '../ga/optimizer.js';
import type { GAOptions } from '../ga/options.js';
import { RunWriter } from '../runs/run-writer.js';
import { upgradeState } from './checkpoint.js';
import type { ForgeHome } from '../home.js';
import { defaultWorkers } from '../pool/pool.js';
import {
  acquireRunFolder,
  assertStoredRunId,
  generationParquet,
  runId as computeRunId,
  runIdArgument,
  runPaths,
} from '../runs/run-folder.js';
import { StoreSync } from '../runs/store-sync.js';
import { sharedBytes } from '../shared/columns.js';
import type { EvolveConfig, EvolveOperational } from './config.js';
import { checkFailures } from './failures.js';
import type { EvaluationPool } from '../eval/pool.js';
import { openEvaluationPool } from '../distributed/open-pool.js';
import type { EvalJob, EvalRecord } from '../eval/evaluator.js';
import type { FeatureStoreStats } from '../eval/feature-store.js';
import { holdoutRanges } from '../eval/ranges.js';
import type { DatasetRef, HallOfFameEntry, StoredRunConfig } from '../runs/types.js';

export type { DatasetRef, HallOfFameEntry, StoredRunConfig };

// `forge evolve` without the printing: load the dataset once into shared memory, start the pool,
// run the GA from a fresh state or a checkpoint, persist every generation (DuckDB, Parquet, JSON,
// then the checkpoint last, so a crash at any point resumes from a consistent generation).

export interface EvolveEvents {
  warn(message: string): void;
  start(info: StartInfo): void;
  generation(progress: GenerationProgress): void;
}

export interface StartInfo {
  readonly runId: string;
  readonly runDir: string;
  readonly resumedAt: number | null;
  readonly generations: number;
  readonly population: number;
  readonly budget: number;
  readonly method: GAOptions['method'];
  readonly workers: number;
  readonly genes: number;
  readonly dataset: {
    readonly name: string;
    readonly source: 'real' | 'synthetic';
    readonly bars: Record<string, number>;
    readonly loadMs: number;
    readonly sharedBytes: number;
  };
}

export interface GenerationProgress {
  readonly stats: GenerationStats;
  readonly generations: number;
  /** Distinct plays evaluated so far, and population slots served from them (cache hits). */
  readonly distinct: number;
  readonly reused: number;
  /** ga.budget (distinct evaluations), 0 when none. */
  readonly budget: number;
  readonly evalsPerSec: number;
  readonly elapsedMs: number;
  readonly etaMs: number;
  readonly cacheHitRate: number;
  /** The shared feature store: bytes held now, its budget, evictions so far. */
  readonly features: FeatureStoreStats;
}

export interface EvolveOutcome {
  readonly runId: string;
  readonly runDir: string;
  readonly status:
    | 'finished'
    | 'stopped-patience'
    | 'budget-spent'
    | 'exhausted'
    | 'paused-time-budget'
    | 'interrupted'
    | 'already-finished';
  readonly generationsDone: number;
  /** Distinct plays evaluated (what a budget counts). */
  readonly evaluations: number;
  /** Population slots that reused an evaluated play instead of evaluating again. */
  readonly cacheHits: number;
  /** Run-folder writes (Parquet, JSON, checkpoint) over this invocation, per generation. */
  readonly persistence: {
    readonly generations: number;
    readonly flushes: number;
    /** The search's own time (snapshots and hand-overs), per generation. */
    readonly msPerGeneration: number;
    /** The writer thread's time (Parquet encoding, JSON, fsyncs), per generation: off the search's path. */
    readonly writerMsPerGeneration: number;
  };
  /** Where this invocation's time went, ms (bench/small-search.mjs reads it). */
  readonly phases: EvolvePhases;
  readonly dataset: StoredRunConfig['dataset'];
  readonly config: EvolveConfig;
  readonly hallOfFame: HallOfFameEntry[];
  readonly workers: number;
  readonly evalsPerSec: number;
  readonly cache: { readonly hits: number; readonly misses: number; readonly hitRate: number };
  /** The shared feature store over this invocation (requests, hits, computed, evictions, bytes held, peak, budget). */
  readonly features: FeatureStoreStats;
  readonly peakWorkerHeapBytes: number;
  readonly wallMs: number;
  /** The generation this invocation resumed at (null: a fresh run), and what this invocation itself did. */
  readonly resumedAt: number | null;
  readonly session: { readonly generations: number; readonly evaluations: number };
}

export interface EvolvePhases {
  /** Datasets into shared memory (before the run folder is opened). */
  readonly loadMs: number;
  /** Run folder, checkpoint read, evaluated set rebuilt (resume), evaluation pool started. */
  readonly setupMs: number;
  readonly poolStartMs: number;
  /** The generations' loop: breeding (the rest), evaluation, records. */
  readonly searchMs: number;
  /** The pool's map over the generations (plan, features, backtests), and inside it the feature rounds
   * and the evaluation rounds (the pool's wall view; they overlap with several workers). */
  readonly evaluateMs: number;
  readonly featureMs: number;
  readonly roundsMs: number;
  /** Handing generations to the run writer and progress events (the search's own share of records). */
  readonly recordsMs: number;
  /** Waiting, at the end, for the last run-folder write; then for the store sync. */
  readonly finalWriteMs: number;
  readonly storeSyncMs: number;
  /** The process's CPU time (user + system, all threads) in the same phases: on a shared machine the
   * wall figures above stretch with the load, these much less. */
  readonly cpuMs: {
    readonly load: number;
    readonly setup: number;
    readonly search: number;
    readonly evaluate: number;
    readonly finalWrite: number;
    readonly storeSync: number;
  };
}

/** CPU time of this process so far (all threads), ms. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface EvolveControl {
  /** Checked between generations: Ctrl-C. */
  stopRequested(): boolean;
}

// Each worker's private fallback cache: only resampled feeds and features the stage failed on land there.
const CACHE_BYTES = 32 * 1024 * 1024;
/** How long a finished search waits for a store another command holds before leaving its records for later. */
const STORE_WAIT_MS = 30_000;
/** Share of the plays' feature uses the shared store served without computing. */
const hitRate = (f: FeatureStoreStats): number => (f.requests > 0 ? f.hits / f.requests : 0);
const NO_FEATURES: FeatureStoreStats = {
  requests: 0,
  hits: 0,
  computed: 0,
  evictions: 0,
  bytesHeld: 0,
  peakBytes: 0,
  budgetBytes: 0,
};

/** What ga options a run stored before they existed meant: none of the newer behaviours. */
const LEGACY_GA: Pick<
  GAOptions,
  'method' | 'budget' | 'restartAfter' | 'restartShare' | 'retries' | 'init' | 'localShare'
> = {
  method: 'ga',
  budget: 0,
  restartAfter: 0,
  restartShare: 0.5,
  retries: 0,
  init: 'uniform',
  localShare: 0,
};

function statusOf(stopped: NonNullable<GAState<EvalRecord>['stopped']>): EvolveOutcome['status'] {
  return (
    { generations: 'finished', patience: 'stopped-patience', budget: 'budget-spent', exhausted: 'exhausted' } as const
  )[stopped];
}

/** The run id: a hash of the resolved config with the play's content in place of its path. */
function idFor(config: EvolveConfig, playText: string, datasetHash: string): string {
  const playSha = createHash('sha256').update(playText).digest('hex');
  return computeRunId({ ...config, play: playSha }, datasetHash, config.seed);
}

/** A fresh run from a resolved config (or the resumption of the run with the same id). */
export async function startEvolve(
  home: ForgeHome,
  config: EvolveConfig,
  op: EvolveOperational,
  events: EvolveEvents,
  control: EvolveControl,
): Promise<EvolveOutcome> {
  const playText = fs.readFileSync(config.play, 'utf8');
  parsePlay(playText, config.play); // a bad play fails here, before any dataset work
  const loadStart = Date.now();
  const loadCpu = cpuNow();
  const ensure = { allowSynthetic: true, warn: events.warn, data: op.data };
  const loads: SharedLoad[] = [];
  for (const name of [config.dataset, ...config.regimes]) loads.push(await loadSharedDataset(home, name, { ensure }));
  const [dataset, ...regimes] = loads.map(
    ({ manifest: m }): DatasetRef => ({ name: m.name, hash: m.hash, source: m.source }),
  );
  const id = idFor(config, playText, [dataset, ...regimes].map((r) => r.hash).join('+'));
  const stored: StoredRunConfig = { runId: id, config, playText, dataset, regimes };
  return execute(home, stored, timedLoads(loads, loadStart, loadCpu), op, events, control);
}

/** The datasets a run loaded, with the wall and CPU time the loading took (evolve --json's phases). */
function timedLoads(loads: SharedLoad[], loadStart: number, loadCpu: number) {
  return { loads, loadMs: Date.now() - loadStart, loadCpuMs: cpuNow() - loadCpu };
}

/** `forge evolve --resume <run>`: the stored config, the stored play text, the current dataset (hash-checked). */
export async function resumeEvolve(
  home: ForgeHome,
  runIdOrDir: string,
  op: EvolveOperational,
  events: EvolveEvents,
  control: EvolveControl,
): Promise<EvolveOutcome> {
  const id = runIdArgument(runIdOrDir, '--resume');
  const p = runPaths(home.runsDir, id);
  if (!fs.existsSync(p.configPath)) {
    const known = fs.existsSync(home.runsDir) ? fs.readdirSync(home.runsDir).slice(0, 10).join(', ') : '';
    throw new ForgeError(
      `no run '${id}' under ${home.runsDir}`,
      known ? `runs here: ${known}` : 'start one with forge evolve',
      'E_NO_RUN',
    );
  }
  const stored = JSON.parse(fs.readFileSync(p.configPath, 'utf8')) as StoredRunConfig;
  assertStoredRunId(stored.runId, p.configPath, id);
  const loadStart = Date.now();
  const loadCpu = cpuNow();
  const ensure = { allowSynthetic: true, warn: events.warn, data: op.data, keepBuilt: true };
  const fix = 'start a new run (same flags) instead of resuming';
  const loads: SharedLoad[] = [];
  for (const ref of [stored.dataset, ...(stored.regimes ?? [])])
    loads.push(await loadSharedDataset(home, ref.name, { ensure, pin: { hash: ref.hash, runId: stored.runId, fix } }));
  return execute(home, stored, timedLoads(loads, loadStart, loadCpu), op, events, control);
}

/** The run's datasets in shared memory (the run's own first, then its regimes) and the time they took. */
interface RunData {
  readonly loads: readonly SharedLoad[];
  readonly loadMs: number;
  readonly loadCpuMs: number;
}

async function execute(
  home: ForgeHome,
  stored: StoredRunConfig,
  data: RunData,
  op: EvolveOperational,
  events: EvolveEvents,
  control: EvolveControl,
): Promise<EvolveOutcome> {
  const t0 = Date.now();
  const { config } = stored;
  const folder = await acquireRunFolder(home.runsDir, stored.runId);
  let pool: EvaluationPool | undefined;
  let sync: StoreSync | undefined;
  let openWriter: RunWriter | undefined;
  try {
    const space = sharedPlaySpace(stored.playText, config.play);
    const execTf = resolvePlay(space, defaultGenome(space.genes)).market.tf;
    for (const { manifest, shared } of data.loads) {
      const tfs = shared.timeframes.map((t) => t.tf);
      if (!tfs.includes(execTf)) {
        throw new ForgeError(
          `dataset ${manifest.name} has no ${execTf} bars (it has ${tfs.join(', ')}), ` +
            `and ${config.play} trades ${execTf}`,
          playFitFix(manifest.name, execTf, tfs),
          'E_PLAY_TF',
        );
      }
    }
    const [loaded, ...regimeLoads] = data.loads;
    const shared = loaded.shared;
    const regimeShared = regimeLoads.map((l) => l.shared);
    const { loadMs } = data;

    const genes = space.genes;
    if (genes.length === 0)
      throw new ForgeError(
        `${config.play} has no genes: there is nothing to evolve`,
        'make numbers genes, e.g. period: {int: [5, 50]}, or use forge backtest',
        'E_NO_GENES',
      );
    const ga: GAOptions = { ...LEGACY_GA, ...config.ga };
    if (ga.method === 'grid') checkGrid(genes, ga.budget);
    const identity = playIdentity(space);
    const seen = new EvaluatedSet(identity);

    const counters = { peakHeap: 0, evaluations: 0, evalMs: 0, recordsMs: 0, poolStartMs: 0 };
    const phase = { search: 0, finalWrite: 0, storeSync: 0, setup: 0 };
    const cpu = { setup: 0, search: 0, evaluate: 0, finalWrite: 0, storeSync: 0, start: cpuNow() };
    let state: GAState<EvalRecord>;
    let resumedAt: number | null = null;
    let runStatus = 'running';
    let generationsAtStart = 0;
    const parquetOf = (generation: number) => generationParquet(folder.evaluationsDir, generation);
    const runRow = {
      runId: stored.runId,
      kind: 'evolve' as const,
      dataset: stored.dataset.name,
      datasetHash: stored.dataset.hash,
      datasetSource: stored.dataset.source,
      seed: config.seed,
      config,
    };
    sync = new StoreSync(home.storePath, () => ({
      run: runRow,
      stats: state.stats,
      evaluationsDir: folder.evaluationsDir,
      progress: { generationsDone: state.generation, status: runStatus, bestFitness: state.bestFitness },
    }));
    // After each write the store may catch up on it (never awaited: see store-sync.ts).
    const writer = new RunWriter(
      {
        evaluationsDir: folder.evaluationsDir,
        hallOfFamePath: folder.hallOfFamePath,
        statsPath: folder.statsPath,
        checkpointPath: folder.checkpointPath,
      },
      space.genes,
      { written: () => sync!.poke() },
    );
    openWriter = writer;
    let described = new Map<string, Pick<HallOfFameEntry, 'params' | 'play'>>();
    // The checkpoint leaves the statistics to generations.json (written just before it), so it stays
    // O(population) however many generations a run has.
    const snapshot = () => ({
      hallOfFame: hallOfFame(state),
      stats: state.stats,
      checkpoint: { runId: stored.runId, state: { ...state, stats: [] } },
    });
    if (fs.existsSync(folder.checkpointPath)) {
      state = upgradeState<EvalRecord>(
        JSON.parse(fs.readFileSync(folder.checkpointPath, 'utf8')).state,
        folder.statsPath,
      );
      resumedAt = state.generation;
      generationsAtStart = state.generation;
      if (state.stopped !== null && state.stopped !== 'generations') {
        runStatus = statusOf(state.stopped);
        await flushStore(); // a run whose records a busy store could not take catches up here
        return outcome('already-finished');
      }
      if (state.stopped === 'generations' && state.generation >= ga.generations) {
        runStatus = 'finished';
        await flushStore();
        return outcome('already-finished');
      }
      // Loaded on resume only (hyparquet's reader).
      const { readEvaluated } = await import('../runs/evaluated-files.js');
      await readEvaluated(parquetOf, state.generation, seen);
    } else {
      state = initialState<EvalRecord>(genes, ga, config.seed);
      writeFileAtomic(folder.configPath, JSON.stringify(stored, null, 2) + '\n');
    }

    const job: EvalJob = {
      playText: stored.playText,
      playFile: config.play,
      cash: config.cash,
      ...holdoutRanges(loaded.manifest.window, config.holdout),
      fitness: config.fitness,
      cacheBytes: CACHE_BYTES,
      regimes: regimeLoads.map((l) => ({ name: l.manifest.name, ...holdoutRanges(l.manifest.window, config.holdout) })),
      across: config.across,
    };
    const workers = op.workers ?? defaultWorkers();
    const poolStart = Date.now();
    pool = await openEvaluationPool(
      job,
      [shared, ...regimeShared],
      { workers, batchesPerWorker: op.batchesPerWorker, featureMemory: op.featureMemory, redis: op.redis },
      {
        runId: stored.runId,
        deadline: op.maxWallMs === undefined ? undefined : t0 + op.maxWallMs,
        resume: (redis) => `forge evolve --resume ${stored.runId} --redis ${redis}`,
        log: events.warn,
        stopRequested: () => control.stopRequested(),
      },
    );

    counters.poolStartMs = Date.now() - poolStart;
    phase.setup = Date.now() - t0;
    cpu.setup = cpuNow() - cpu.start;
    events.start({
      runId: stored.runId,
      runDir: folder.dir,
      resumedAt,
      generations: ga.generations,
      population: ga.population,
      budget: ga.budget,
      method: ga.method,
      workers,
      genes: genes.length,
      dataset: {
        name: loaded.manifest.name,
        source: loaded.manifest.source,
        bars: Object.fromEntries(loaded.manifest.timeframes.map((t) => [t.tf, t.bars])),
        loadMs,
        sharedBytes: sharedBytes(shared),
      },
    });

    const runStart = Date.now();
    generationsAtStart = state.generation;
    const evaluatedAtStart = state.evaluated;
    const evaluate = async (genomes: number[][]): Promise<EvalRecord[]> => {
      const started = performance.now();
      const startedCpu = cpuNow();
      const batches = await pool!.map(genomes);
      counters.evalMs += performance.now() - started;
      cpu.evaluate += cpuNow() - startedCpu;
      counters.evaluations += genomes.length;
      for (const b of batches) counters.peakHeap = Math.max(counters.peakHeap, b.memory.heapUsed);
      const records = batches.flatMap((b) => b.records);
      checkFailures(state.generation, records, op.maxFailedShare, stored.runId);
      return records;
    };

    const onGeneration = async (
      s: GAState<EvalRecord>,
      stats: GenerationStats,
      fresh: { genome: number[]; evaluation: EvalRecord }[],
    ) => {
      const recordStart = performance.now();
      // The run folder is the source of truth, written in batches (run-writer.ts); the store catches up
      // in the background from what has been written.
      writer.add(stats.generation, fresh, snapshot);
      const elapsed = Date.now() - runStart;
      const done = s.generation - generationsAtStart;
      const features = pool!.stats().features;
      events.generation({
        stats,
        generations: ga.generations,
        distinct: s.evaluated,
        reused: s.reused,
        budget: ga.budget,
        evalsPerSec: counters.evalMs > 0 ? (counters.evaluations * 1000) / counters.evalMs : 0,
        elapsedMs: elapsed,
        etaMs:
          done === 0
            ? NaN
            : ga.budget > 0
              ? (elapsed / Math.max(1, s.evaluated - evaluatedAtStart)) * (ga.budget - s.evaluated)
              : (elapsed / done) * (ga.generations - s.generation),
        cacheHitRate: hitRate(features),
        features,
      });
      counters.recordsMs += performance.now() - recordStart;
      // One turn of the event loop per generation: with --workers 1 the search runs on promises that are
      // already settled, so without it the writer thread's acknowledgements (and so the next hand-over)
      // waited for the end of the search, which then waited for all its generations' writes (~0.2 s
      // of a 1,500-evaluation search, bench/small-search.mjs). Results do not depend on it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    };

    let pausedForTime = false;
    const searchStart = Date.now();
    const searchCpu = cpuNow();
    try {
      state = await evolve(
        genes,
        ga,
        state,
        {
          evaluate,
          onGeneration,
          identity,
          identities: pool.identities?.bind(pool),
          shouldStop: () => {
            if (op.maxWallMs !== undefined && Date.now() - t0 >= op.maxWallMs) pausedForTime = true;
            return pausedForTime || control.stopRequested();
          },
        },
        seen,
      );
    } finally {
      phase.search = Date.now() - searchStart;
      cpu.search = cpuNow() - searchCpu;
      // Every finished generation reaches the run folder, also when a later one failed.
      const writeStart = Date.now();
      const writeCpu = cpuNow();
      await writer.flush(snapshot);
      phase.finalWrite = Date.now() - writeStart;
      cpu.finalWrite = cpuNow() - writeCpu;
    }
    const status: EvolveOutcome['status'] =
      state.stopped !== null ? statusOf(state.stopped) : pausedForTime ? 'paused-time-budget' : 'interrupted';
    runStatus = status;
    await flushStore();
    return outcome(status);

    async function flushStore(): Promise<void> {
      const syncStart = Date.now();
      const syncCpu = cpuNow();
      const r = await sync!.flush(op.storeWaitMs ?? STORE_WAIT_MS);
      phase.storeSync = Date.now() - syncStart;
      cpu.storeSync = cpuNow() - syncCpu;
      if (!r.ok)
        events.warn(
          `the store could not take this run's records yet (${r.reason}); they are safe in ${folder.dir} ` +
            `and are added when the run is next opened (forge evolve --resume ${stored.runId})`,
        );
    }

    function hallOfFame(s: GAState<EvalRecord>): HallOfFameEntry[] {
      // Each write describes the hall of fame (resolving a play: ~0.3-1 ms an entry); entries stay for
      // many generations, so their descriptions are kept while they do.
      const kept = described;
      described = new Map();
      return s.hallOfFame.map((h, i) => {
        const d = kept.get(h.key) ?? {
          params: describeGenome(space.genes, h.genome),
          play: describePlay(resolvePlay(space, h.genome)),
        };
        described.set(h.key, d);
        return entry(h, i, d);
      });
    }

    function entry(
      h: GAState<EvalRecord>['hallOfFame'][number],
      i: number,
      d: Pick<HallOfFameEntry, 'params' | 'play'>,
    ): HallOfFameEntry {
      return {
        rank: i + 1,
        fitness: h.evaluation.fitness,
        generation: h.generation,
        genome: h.genome,
        params: d.params,
        play: d.play,
        equivalents: h.equivalents ?? 0,
        inSample: h.evaluation.inSample,
        outOfSample: h.evaluation.outOfSample,
        ...(h.evaluation.regimes ? { regimes: h.evaluation.regimes } : {}),
      };
    }

    function outcome(status: EvolveOutcome['status']): EvolveOutcome {
      const features = pool?.stats().features ?? NO_FEATURES;
      return {
        runId: stored.runId,
        runDir: folder.dir,
        status,
        generationsDone: state.generation,
        evaluations: state.evaluated,
        cacheHits: state.reused,
        persistence: {
          generations: writer.generations,
          flushes: writer.flushes,
          msPerGeneration: writer.generations > 0 ? writer.persistMs / writer.generations : 0,
          writerMsPerGeneration: writer.generations > 0 ? writer.writerMs / writer.generations : 0,
        },
        phases: {
          loadMs: data.loadMs,
          setupMs: phase.setup,
          poolStartMs: counters.poolStartMs,
          searchMs: phase.search,
          evaluateMs: counters.evalMs,
          featureMs: pool?.stats().featureMs ?? 0,
          roundsMs: pool?.stats().evalMs ?? 0,
          recordsMs: counters.recordsMs,
          finalWriteMs: phase.finalWrite,
          storeSyncMs: phase.storeSync,
          cpuMs: {
            load: data.loadCpuMs,
            setup: cpu.setup,
            search: cpu.search,
            evaluate: cpu.evaluate,
            finalWrite: cpu.finalWrite,
            storeSync: cpu.storeSync,
          },
        },
        dataset: stored.dataset,
        config,
        hallOfFame: hallOfFame(state),
        workers: op.workers ?? defaultWorkers(),
        evalsPerSec: counters.evalMs > 0 ? (counters.evaluations * 1000) / counters.evalMs : 0,
        cache: { hits: features.hits, misses: features.computed, hitRate: hitRate(features) },
        features,
        peakWorkerHeapBytes: counters.peakHeap,
        wallMs: Date.now() - t0,
        resumedAt,
        session: { generations: state.generation - generationsAtStart, evaluations: counters.evaluations },
      };
    }
  } finally {
    sync?.dispose();
    await openWriter?.close();
    await pool?.close();
    folder.release();
  }
}
