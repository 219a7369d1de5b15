import type { FitnessSpec } from '../fitness.js';
import type { GAOptions } from '../ga/options.js';
import type { EvalRecord } from '../eval/evaluator.js';

// The run-folder format every run reader shares (evolve writes it; validate, backtest --run and the
// report read it): the stored config and the hall of fame.

/** What a run folder's config.json holds: everything needed to resume, including the play's text. */
export interface StoredRunConfig {
  readonly runId: string;
  readonly config: EvolveConfig;
  readonly playText: string;
  readonly dataset: DatasetRef;
  /** Regime datasets the fitness also holds on (config.regimes), with the content they had. */
  readonly regimes?: readonly DatasetRef[];
}

export interface DatasetRef {
  readonly name: string;
  readonly hash: string;
  readonly source: 'real' | 'synthetic';
}

export interface HallOfFameEntry {
  readonly rank: number;
  readonly fitness: number;
  readonly generation: number;
  readonly genome: number[];
  readonly params: Record<string, string | number | boolean>;
  /** The resolved play in words: only the features and rules it actually uses. */
  readonly play: string[];
  /**
   * Other evaluated plays that are the same strategy as this one (the same canonical play, or the same
   * results to the last bit: the same trade list), found after it. Absent in runs made before issue 11.
   */
  readonly equivalents?: number;
  readonly inSample: EvalRecord['inSample'];
  readonly outOfSample: EvalRecord['outOfSample'];
  /** With regime datasets: each one's fitness and figures. */
  readonly regimes?: EvalRecord['regimes'];
}

/** The settings of an evolve run (file and flags resolved): what its run id hashes. */
export interface EvolveConfig {
  readonly dataset: string;
  /** More regime datasets the fitness must hold on (min or mean over all, each on its in-sample part). */
  readonly regimes: readonly string[];
  readonly across: 'min' | 'mean';
  /** Path of the play (search space) file. */
  readonly play: string;
  readonly seed: string;
  /** Share of the window at the end kept out of the fitness: out-of-sample for the hall of fame. */
  readonly holdout: number;
  readonly cash: number;
  readonly fitness: FitnessSpec;
  readonly ga: GAOptions;
}

/** Defaults every search command shares. */
export const RUN_DEFAULTS = Object.freeze({ dataset: 'BTCUSDT_FULL_CYCLE', seed: '42', holdout: 0.2, cash: 10_000 });
