import type { EvalRecord } from '../eval/evaluator.js';
import type { FeatureStoreStats } from '../eval/feature-store.js';
import type { EvaluationPool } from '../eval/pool.js';
import type { GAState } from '../ga/optimizer.js';
import { defaultWorkers } from '../pool/pool.js';
import type { RunWriter } from '../runs/run-writer.js';
import type { HallOfFameEntry, StoredRunConfig } from '../runs/types.js';
import { evalsPerSec, hitRate, type SearchCounters } from './progress.js';
import type { EvolveOutcome, RunData } from './types.js';

// The outcome of one `forge evolve` invocation: the run's state and hall of fame, and where its time
// went (wall and CPU per phase, the writer's and the pool's figures).

const NO_FEATURES: FeatureStoreStats = {
  requests: 0,
  hits: 0,
  computed: 0,
  evictions: 0,
  bytesHeld: 0,
  peakBytes: 0,
  budgetBytes: 0,
};

/** Wall ms of the phases the search times itself. */
export interface PhaseMs {
  search: number;
  finalWrite: number;
  storeSync: number;
  setup: number;
}

/** CPU ms of the same phases, and the CPU clock when the run's setup began. */
export interface PhaseCpuMs {
  setup: number;
  search: number;
  evaluate: number;
  finalWrite: number;
  storeSync: number;
  readonly start: number;
}

export interface OutcomeParts {
  readonly stored: StoredRunConfig;
  readonly runDir: string;
  readonly state: GAState<EvalRecord>;
  readonly hallOfFame: (s: GAState<EvalRecord>) => HallOfFameEntry[];
  readonly writer: RunWriter;
  /** Undefined when the run ended before its pool started (it had finished already). */
  readonly pool: EvaluationPool | undefined;
  readonly data: RunData;
  readonly phase: PhaseMs;
  readonly cpu: PhaseCpuMs;
  readonly counters: SearchCounters;
  /** The --workers asked for (undefined: one per core). */
  readonly workers: number | undefined;
  /** When the run's setup began (epoch ms). */
  readonly t0: number;
  readonly resumedAt: number | null;
  readonly generationsAtStart: number;
}

export function evolveOutcome(status: EvolveOutcome['status'], p: OutcomeParts): EvolveOutcome {
  const { stored, state, writer, pool, data, phase, cpu, counters } = p;
  const features = pool?.stats().features ?? NO_FEATURES;
  return {
    runId: stored.runId,
    runDir: p.runDir,
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
    config: stored.config,
    hallOfFame: p.hallOfFame(state),
    workers: p.workers ?? defaultWorkers(),
    evalsPerSec: evalsPerSec(counters),
    cache: { hits: features.hits, misses: features.computed, hitRate: hitRate(features) },
    features,
    peakWorkerHeapBytes: counters.peakHeap,
    wallMs: Date.now() - p.t0,
    resumedAt: p.resumedAt,
    session: { generations: state.generation - p.generationsAtStart, evaluations: counters.evaluations },
  };
}
