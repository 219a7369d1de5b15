import type { GAOptions } from '../ga/options.js';
import type { GenerationStats } from '../ga/optimizer.js';
import type { SharedLoad } from '../datasets/load-shared.js';
import type { FeatureStoreStats } from '../eval/feature-store.js';
import type { HallOfFameEntry, StoredRunConfig } from '../runs/types.js';
import type { EvolveConfig } from './config.js';

// What `forge evolve` tells its caller (the CLI): the events while it runs and the outcome at its end.

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

export interface EvolveControl {
  /** Checked between generations: Ctrl-C. */
  stopRequested(): boolean;
}

/** The run's datasets in shared memory (the run's own first, then its regimes) and the time they took. */
export interface RunData {
  readonly loads: readonly SharedLoad[];
  readonly loadMs: number;
  readonly loadCpuMs: number;
}
