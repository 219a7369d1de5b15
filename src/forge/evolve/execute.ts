import fs from 'node:fs';
import { writeFileAtomic } from '../atomic.js';
import { openEvaluationPool } from '../distributed/open-pool.js';
import type { EvalRecord } from '../eval/evaluator.js';
import type { EvaluationPool } from '../eval/pool.js';
import { sharedPlaySpace } from '../eval/resolved-plays.js';
import { EvaluatedSet } from '../ga/evaluated.js';
import { evolve, initialState, type GAState, type GenerationStats } from '../ga/optimizer.js';
import { playIdentity } from '../ga/play-identity.js';
import type { ForgeHome } from '../home.js';
import { defaultWorkers } from '../pool/pool.js';
import { acquireRunFolder, generationParquet } from '../runs/run-folder.js';
import { RunWriter } from '../runs/run-writer.js';
import type { StoreSync } from '../runs/store-sync.js';
import type { StoredRunConfig } from '../runs/types.js';
import { sharedBytes } from '../shared/columns.js';
import { upgradeState } from './checkpoint.js';
import { checkPlayFits, evalJobOf, searchOptions } from './setup.js';
import type { EvolveOperational } from './config.js';
import { cpuNow } from './cpu.js';
import { checkFailures } from './failures.js';
import { hallOfFameOf } from './hall-of-fame.js';
import { evolveOutcome, type PhaseCpuMs, type PhaseMs } from './outcome.js';
import { generationProgress, type SearchCounters } from './progress.js';
import { flushStore as flushRunStore, runStoreSync } from './store-flush.js';
import type { EvolveControl, EvolveEvents, EvolveOutcome, RunData } from './types.js';

// One evolve run on its loaded datasets: start the pool, run the GA from a fresh state or a
// checkpoint, persist every generation (Parquet, JSON, then the checkpoint last, so a crash at any
// point resumes from a consistent generation), and let the store catch up from the run folder.

function statusOf(stopped: NonNullable<GAState<EvalRecord>['stopped']>): EvolveOutcome['status'] {
  return (
    { generations: 'finished', patience: 'stopped-patience', budget: 'budget-spent', exhausted: 'exhausted' } as const
  )[stopped];
}

export async function execute(
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
  let seen: EvaluatedSet | undefined;
  try {
    const space = sharedPlaySpace(stored.playText, config.play);
    checkPlayFits(space, config.play, data.loads);
    const [loaded, ...regimeLoads] = data.loads;
    const shared = loaded.shared;
    const regimeShared = regimeLoads.map((l) => l.shared);
    const { loadMs } = data;

    const genes = space.genes;
    const ga = searchOptions(space, stored);
    const identity = playIdentity(space);
    // Its keys go to sorted run files in the run folder (removed once open, see digest-runs.ts): a night's
    // evaluations would otherwise grow the process by 10-30 bytes each.
    seen = new EvaluatedSet(identity, { spillDir: folder.dir });

    const counters: SearchCounters = { peakHeap: 0, evaluations: 0, evalMs: 0, recordsMs: 0, poolStartMs: 0 };
    const phase: PhaseMs = { search: 0, finalWrite: 0, storeSync: 0, setup: 0 };
    const cpu: PhaseCpuMs = { setup: 0, search: 0, evaluate: 0, finalWrite: 0, storeSync: 0, start: cpuNow() };
    let state: GAState<EvalRecord>;
    let resumedAt: number | null = null;
    let runStatus = 'running';
    let generationsAtStart = 0;
    const parquetOf = (generation: number) => generationParquet(folder.evaluationsDir, generation);
    sync = runStoreSync(home.storePath, stored, folder.evaluationsDir, () => ({ state, status: runStatus }));
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
    const hallOfFame = hallOfFameOf(space);
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

    const job = evalJobOf(stored, loaded, regimeLoads);
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

    generationsAtStart = state.generation;
    const searchFrom = { runStart: Date.now(), generationsAtStart, evaluatedAtStart: state.evaluated };
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
      events.generation(generationProgress(s, stats, ga, counters, pool!.stats().features, searchFrom));
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
      const spent = await flushRunStore(sync!, op.storeWaitMs, events.warn, {
        dir: folder.dir,
        runId: stored.runId,
      });
      phase.storeSync = spent.ms;
      cpu.storeSync = spent.cpuMs;
    }

    function outcome(status: EvolveOutcome['status']): EvolveOutcome {
      return evolveOutcome(status, {
        stored,
        runDir: folder.dir,
        state,
        hallOfFame,
        writer,
        pool,
        data,
        phase,
        cpu,
        counters,
        workers: op.workers,
        t0,
        resumedAt,
        generationsAtStart,
      });
    }
  } finally {
    sync?.dispose();
    seen?.close();
    await openWriter?.close();
    await pool?.close();
    folder.release();
  }
}
