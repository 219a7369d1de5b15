import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { defaultGenome, describeGenome, describePlay, parsePlay, resolvePlay } from '../../engine/play/index.js';
import { writeFileAtomic } from '../atomic.js';
import { ensureDataset } from '../datasets/build.js';
import { playFitFix } from '../datasets/plays-fit.js';
import { loadSharedDataset } from '../datasets/load-shared.js';
import { genomeKey, toBounds } from '../ga/genome.js';
import { evolve, initialState, type GAState, type GenerationStats } from '../ga/optimizer.js';
import type { ForgeHome } from '../home.js';
import { defaultWorkers } from '../pool/pool.js';
import { acquireRunFolder, assertStoredRunId, runId as computeRunId, runIdArgument, runPaths } from '../runs/run-folder.js';
import { writeGenerationParquet } from '../runs/generation-file.js';
import { StoreSync } from '../runs/store-sync.js';
import { sharedBytes } from '../shared/columns.js';
import type { EvolveConfig, EvolveOperational } from './config.js';
import { checkFailures } from './failures.js';
import { evaluationPool, type EvaluationPool } from '../eval/pool.js';
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
  readonly workers: number;
  readonly genes: number;
  readonly dataset: { readonly name: string; readonly source: 'real' | 'synthetic'; readonly bars: Record<string, number>; readonly loadMs: number; readonly sharedBytes: number };
}

export interface GenerationProgress {
  readonly stats: GenerationStats;
  readonly generations: number;
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
  readonly status: 'finished' | 'stopped-patience' | 'paused-time-budget' | 'interrupted' | 'already-finished';
  readonly generationsDone: number;
  readonly evaluations: number;
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
const NO_FEATURES: FeatureStoreStats = { requests: 0, hits: 0, computed: 0, evictions: 0, bytesHeld: 0, peakBytes: 0, budgetBytes: 0 };

/** The run id: a hash of the resolved config with the play's content in place of its path. */
function idFor(config: EvolveConfig, playText: string, datasetHash: string): string {
  const playSha = createHash('sha256').update(playText).digest('hex');
  return computeRunId({ ...config, play: playSha }, datasetHash, config.seed);
}

/** A fresh run from a resolved config (or the resumption of the run with the same id). */
export async function startEvolve(home: ForgeHome, config: EvolveConfig, op: EvolveOperational, events: EvolveEvents, control: EvolveControl): Promise<EvolveOutcome> {
  const playText = fs.readFileSync(config.play, 'utf8');
  parsePlay(playText, config.play); // a bad play fails here, before any dataset work
  const manifest = await ensureDataset(home, config.dataset, { allowSynthetic: true, warn: events.warn, data: op.data });
  const regimes: DatasetRef[] = [];
  for (const name of config.regimes) {
    const m = await ensureDataset(home, name, { allowSynthetic: true, warn: events.warn, data: op.data });
    regimes.push({ name: m.name, hash: m.hash, source: m.source });
  }
  const id = idFor(config, playText, [manifest.hash, ...regimes.map((r) => r.hash)].join('+'));
  const stored: StoredRunConfig = { runId: id, config, playText, dataset: { name: manifest.name, hash: manifest.hash, source: manifest.source }, regimes };
  return execute(home, stored, op, events, control);
}

/** `forge evolve --resume <run>`: the stored config, the stored play text, the current dataset (hash-checked). */
export async function resumeEvolve(home: ForgeHome, runIdOrDir: string, op: EvolveOperational, events: EvolveEvents, control: EvolveControl): Promise<EvolveOutcome> {
  const id = runIdArgument(runIdOrDir, '--resume');
  const p = runPaths(home.runsDir, id);
  if (!fs.existsSync(p.configPath)) {
    const known = fs.existsSync(home.runsDir) ? fs.readdirSync(home.runsDir).slice(0, 10).join(', ') : '';
    throw new ForgeError(`no run '${id}' under ${home.runsDir}`, known ? `runs here: ${known}` : 'start one with forge evolve', 'E_NO_RUN');
  }
  const stored = JSON.parse(fs.readFileSync(p.configPath, 'utf8')) as StoredRunConfig;
  assertStoredRunId(stored.runId, p.configPath, id);
  for (const d of [stored.dataset, ...(stored.regimes ?? [])]) await ensureDataset(home, d.name, { allowSynthetic: true, warn: events.warn, data: op.data, keepBuilt: true });
  return execute(home, stored, op, events, control);
}

async function execute(home: ForgeHome, stored: StoredRunConfig, op: EvolveOperational, events: EvolveEvents, control: EvolveControl): Promise<EvolveOutcome> {
  const t0 = Date.now();
  const { config } = stored;
  const folder = await acquireRunFolder(home.runsDir, stored.runId);
  let pool: EvaluationPool | undefined;
  let sync: StoreSync | undefined;
  try {
    const loadStart = Date.now();
    const space = parsePlay(stored.playText, config.play);
    const execTf = resolvePlay(space, defaultGenome(space.genes)).market.tf;
    const load = async (ref: DatasetRef) => {
      const loaded = await loadSharedDataset(home, ref.name);
      const tfs = loaded.shared.timeframes.map((t) => t.tf);
      if (loaded.manifest.hash !== ref.hash) {
        throw new ForgeError(
          `run ${stored.runId} was made on dataset ${ref.name} with content hash ${ref.hash.slice(0, 12)}, which is now ${loaded.manifest.hash.slice(0, 12)}`,
          'the dataset was rebuilt with other candles; start a new run (same flags) instead of resuming',
          'E_RUN_DATASET',
        );
      }
      if (!tfs.includes(execTf)) {
        throw new ForgeError(
          `dataset ${ref.name} has no ${execTf} bars (it has ${tfs.join(', ')}), and ${config.play} trades ${execTf}`,
          playFitFix(ref.name, execTf, tfs),
          'E_PLAY_TF',
        );
      }
      return loaded;
    };
    const loaded = await load(stored.dataset);
    const shared = loaded.shared;
    const regimeLoads = [];
    for (const ref of stored.regimes ?? []) regimeLoads.push(await load(ref));
    const regimeShared = regimeLoads.map((l) => l.shared);
    const loadMs = Date.now() - loadStart;

    const genes = toBounds(space.genes);
    if (genes.length === 0) throw new ForgeError(`${config.play} has no genes: there is nothing to evolve`, 'make numbers genes, e.g. period: {int: [5, 50]}, or use forge backtest', 'E_NO_GENES');

    const counters = { peakHeap: 0, evaluations: 0, evalMs: 0 };
    let state: GAState<EvalRecord>;
    let resumedAt: number | null = null;
    let runStatus = 'running';
    const parquetOf = (generation: number) => path.join(folder.evaluationsDir, `gen-${String(generation).padStart(5, '0')}.parquet`);
    const runRow = { runId: stored.runId, kind: 'evolve' as const, dataset: stored.dataset.name, datasetHash: stored.dataset.hash, datasetSource: stored.dataset.source, seed: config.seed, config };
    sync = new StoreSync(home.storePath, () => ({ run: runRow, stats: state.stats, parquetOf, progress: { generationsDone: state.generation, status: runStatus, bestFitness: state.bestFitness } }));
    if (fs.existsSync(folder.checkpointPath)) {
      state = (JSON.parse(fs.readFileSync(folder.checkpointPath, 'utf8')) as { state: GAState<EvalRecord> }).state;
      resumedAt = state.generation;
      if ((state.stopped !== null && state.generation >= config.ga.generations) || state.stopped === 'patience') {
        runStatus = state.stopped === 'patience' ? 'stopped-patience' : 'finished';
        await flushStore(); // a run whose records a busy store could not take catches up here
        return outcome('already-finished');
      }
    } else {
      state = initialState<EvalRecord>(genes, config.ga, config.seed);
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
    pool = evaluationPool(job, shared, regimeShared, { workers, batchesPerWorker: op.batchesPerWorker, featureMemory: op.featureMemory });

    events.start({
      runId: stored.runId,
      runDir: folder.dir,
      resumedAt,
      generations: config.ga.generations,
      population: config.ga.population,
      workers,
      genes: genes.length,
      dataset: { name: loaded.manifest.name, source: loaded.manifest.source, bars: Object.fromEntries(loaded.manifest.timeframes.map((t) => [t.tf, t.bars])), loadMs, sharedBytes: sharedBytes(shared) },
    });

    const runStart = Date.now();
    const generationsAtStart = state.generation;
    const evaluate = async (genomes: number[][]): Promise<EvalRecord[]> => {
      const started = Date.now();
      const batches = await pool!.map(genomes);
      counters.evalMs += Date.now() - started;
      counters.evaluations += genomes.length;
      for (const b of batches) counters.peakHeap = Math.max(counters.peakHeap, b.memory.heapUsed);
      const records = batches.flatMap((b) => b.records);
      checkFailures(state.generation, records, op.maxFailedShare, stored.runId);
      return records;
    };

    const onGeneration = async (s: GAState<EvalRecord>, stats: GenerationStats, fresh: { genome: number[]; evaluation: EvalRecord }[]) => {
      // The run folder first (the source of truth), checkpoint last; the store catches up in the background.
      writeGenerationParquet(
        parquetOf(stats.generation),
        stats.generation,
        fresh.map((f) => ({ key: genomeKey(f.genome), genome: f.genome, params: describeGenome(space.genes, f.genome), evaluation: f.evaluation })),
      );
      writeFileAtomic(folder.hallOfFamePath, JSON.stringify(hallOfFame(s), null, 2) + '\n');
      writeFileAtomic(folder.statsPath, JSON.stringify(s.stats, null, 2) + '\n');
      writeFileAtomic(folder.checkpointPath, JSON.stringify({ runId: stored.runId, state: s }));
      sync!.poke();
      const elapsed = Date.now() - runStart;
      const done = s.generation - generationsAtStart;
      const features = pool!.stats().features;
      events.generation({
        stats,
        generations: config.ga.generations,
        evalsPerSec: counters.evalMs > 0 ? (counters.evaluations * 1000) / counters.evalMs : 0,
        elapsedMs: elapsed,
        etaMs: done > 0 ? (elapsed / done) * (config.ga.generations - s.generation) : NaN,
        cacheHitRate: hitRate(features),
        features,
      });
    };

    let pausedForTime = false;
    state = await evolve(genes, config.ga, state, {
      evaluate,
      onGeneration,
      // The resolved play in words names every feature, parameter, rule, exit, size and cost it uses.
      identity: (g) => describePlay(resolvePlay(space, g)).join('\n') + `\nend of data: ${resolvePlay(space, g).exit.endOfData ?? 'close'}`,
      shouldStop: () => {
        if (op.maxWallMs !== undefined && Date.now() - t0 >= op.maxWallMs) pausedForTime = true;
        return pausedForTime || control.stopRequested();
      },
    });
    const status: EvolveOutcome['status'] =
      state.stopped === 'patience' ? 'stopped-patience' : state.stopped === 'generations' ? 'finished' : pausedForTime ? 'paused-time-budget' : 'interrupted';
    runStatus = status;
    await flushStore();
    return outcome(status);

    async function flushStore(): Promise<void> {
      const r = await sync!.flush(op.storeWaitMs ?? STORE_WAIT_MS);
      if (!r.ok) events.warn(`the store could not take this run's records yet (${r.reason}); they are safe in ${folder.dir} and are added when the run is next opened (forge evolve --resume ${stored.runId})`);
    }

    function hallOfFame(s: GAState<EvalRecord>): HallOfFameEntry[] {
      return s.hallOfFame.map((h, i) => ({
        rank: i + 1,
        fitness: h.evaluation.fitness,
        generation: h.generation,
        genome: h.genome,
        params: describeGenome(space.genes, h.genome),
        play: describePlay(resolvePlay(space, h.genome)),
        inSample: h.evaluation.inSample,
        outOfSample: h.evaluation.outOfSample,
        ...(h.evaluation.regimes ? { regimes: h.evaluation.regimes } : {}),
      }));
    }

    function outcome(status: EvolveOutcome['status']): EvolveOutcome {
      const features = pool?.stats().features ?? NO_FEATURES;
      return {
        runId: stored.runId,
        runDir: folder.dir,
        status,
        generationsDone: state.generation,
        evaluations: Object.keys(state.evaluations).length,
        dataset: stored.dataset,
        config,
        hallOfFame: hallOfFame(state),
        workers: op.workers ?? defaultWorkers(),
        evalsPerSec: counters.evalMs > 0 ? (counters.evaluations * 1000) / counters.evalMs : 0,
        cache: { hits: features.hits, misses: features.computed, hitRate: hitRate(features) },
        features,
        peakWorkerHeapBytes: counters.peakHeap,
        wallMs: Date.now() - t0,
      };
    }
  } finally {
    await pool?.close();
    folder.release();
  }
}
