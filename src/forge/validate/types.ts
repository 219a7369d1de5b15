import type { Feed } from '../../engine/types.js';
import type { PlaySpace } from '../../engine/play/index.js';
import type { FeatureCache } from '../../engine/play/index.js';
import type { TimeRange } from '../eval/ranges.js';
import type { FitnessSpec } from '../fitness.js';
import type { ValidateConfig } from './config.js';
import type { MetricRecord } from '../eval/evaluator.js';
import type { StoredRunConfig } from '../runs/types.js';
import type { FamilyResult } from './multiple-testing.js';
import { finiteOrNull } from './finite.js';

// What a guard returns and what it is given. Every guard reports the same shape so the table, the
// JSON and the DuckDB rows need no per-guard code; numbers that could not be computed are null
// (never NaN) so the document is valid JSON and byte-stable.

export const WORKER_GUARDS = ['permutation', 'bootstrap', 'sensitivity', 'stress', 'concentration', 'regime'] as const;
export type WorkerGuard = (typeof WORKER_GUARDS)[number];
export type GuardName = WorkerGuard | 'walkforward';
export const GUARDS: readonly GuardName[] = [...WORKER_GUARDS, 'walkforward'];

export type GuardStatus = 'PASS' | 'FAIL' | 'ERROR' | 'NOT RUN';

export interface GuardResult {
  readonly name: GuardName;
  /** The guard's figure (units in `unit`), null when it could not be computed. */
  readonly value: number | null;
  readonly threshold: number;
  /** How value is compared with threshold to pass. */
  readonly rule: '<' | '>' | '>=';
  readonly unit: string;
  /** null when the guard did not run (no data for it) or errored. */
  readonly pass: boolean | null;
  readonly status: GuardStatus;
  readonly error?: string;
  /** Which data it used, the intermediate figures, and notes. */
  readonly detail: Record<string, unknown>;
}

/** One play as the guards see it: the search space, its genome, the data, and the run's settings. */
export interface PlayContext {
  readonly space: PlaySpace;
  readonly genome: readonly number[];
  /** The run's dataset feeds (all timeframes). */
  readonly feeds: Readonly<Record<string, Feed>>;
  /** The run's in-sample range [from, to) in epoch ms: every guard on the run's dataset uses only this. */
  readonly inSample: TimeRange;
  readonly cash: number;
  readonly fitness: FitnessSpec;
  readonly cache: FeatureCache;
}

/** A regime dataset the guard runs the play on (loaded by the main process, shared with workers). */
export interface RegimeData {
  readonly name: string;
  readonly regime: string;
  readonly source: 'real' | 'synthetic';
  readonly window: { readonly from: string; readonly to: string; readonly fromMs: number; readonly toMs: number };
  readonly feeds: Readonly<Record<string, Feed>>;
  readonly cache: FeatureCache;
}

export interface RegimeSkip {
  readonly name: string;
  readonly reason: string;
}

/** What every worker receives once: the job's settings (the candles travel as shared memory). */
export interface ValidateJob {
  readonly playText: string;
  readonly playFile: string;
  readonly cash: number;
  readonly fitness: FitnessSpec;
  readonly inSample: TimeRange;
  readonly config: ValidateConfig;
  readonly regimeSkips: readonly RegimeSkip[];
}

/** One unit of parallel work: one guard (or the DSR profile) of one play, with its own seed. */
export interface ValidateItem {
  readonly rank: number;
  readonly key: string;
  readonly genome: number[];
  readonly task: WorkerGuard | 'profile';
  readonly seed: string;
}

/** Moments of a play's in-sample bar returns for the deflated Sharpe (skew, non-excess kurtosis). */
export interface PlayProfile {
  readonly bars: number;
  readonly skew: number | null;
  readonly kurt: number | null;
  readonly error?: string;
}

export type ItemResult =
  | { readonly kind: 'guard'; readonly guard: GuardResult }
  | { readonly kind: 'profile'; readonly profile: PlayProfile };

export { finiteOrNull } from './finite.js';

/** Builds a GuardResult from a value, deciding pass/fail by the rule; NaN value = FAIL with its reason. */
export function judged(
  name: GuardName,
  value: number,
  threshold: number,
  rule: GuardResult['rule'],
  unit: string,
  detail: Record<string, unknown>,
): GuardResult {
  const v = finiteOrNull(value);
  const pass = v === null ? false : rule === '<' ? v < threshold : rule === '>' ? v > threshold : v >= threshold;
  return { name, value: v, threshold, rule, unit, pass, status: pass ? 'PASS' : 'FAIL', detail };
}

export function errored(
  name: GuardName,
  threshold: number,
  rule: GuardResult['rule'],
  unit: string,
  error: string,
  detail: Record<string, unknown> = {},
): GuardResult {
  return { name, value: null, threshold, rule, unit, pass: null, status: 'ERROR', error, detail };
}

export function notRun(
  name: GuardName,
  threshold: number,
  rule: GuardResult['rule'],
  unit: string,
  note: string,
  detail: Record<string, unknown> = {},
): GuardResult {
  return { name, value: null, threshold, rule, unit, pass: null, status: 'NOT RUN', detail: { note, ...detail } };
}

/** A play's validation: every guard's result and the multiple-testing figures (validation.json). */
export interface PlayValidation {
  readonly rank: number;
  readonly key: string;
  readonly genome: number[];
  readonly params: Record<string, string | number | boolean>;
  readonly fitness: number;
  readonly inSampleSharpe: number | null;
  readonly inSample: MetricRecord | null;
  readonly guards: GuardResult[];
  readonly multipleTesting: {
    readonly pValue: number;
    readonly bhAdjusted: number | null;
    readonly bhSignificant: boolean;
    readonly dsr: number | null;
    readonly sr0: number | null;
    readonly skew: number;
    readonly kurt: number;
    readonly note?: string;
  };
  readonly guardsRun: number;
  readonly guardsPassed: number;
  readonly survivesMultipleTesting: boolean;
  /** Survives multiple testing and every guard that ran passed. */
  readonly robust: boolean;
  /** ROBUST / NOT ROBUST and why, in words (see verdict.ts). */
  readonly verdict: Verdict['verdict'];
  readonly why: string;
}

export interface ValidationDoc {
  readonly kind: 'validation';
  readonly runId: string;
  readonly dataset: StoredRunConfig['dataset'];
  readonly inSample: { readonly from: string; readonly to: string };
  readonly seed: string;
  readonly config: ValidateConfig;
  readonly plays: PlayValidation[];
  readonly multipleTesting: Omit<FamilyResult, 'rows'> & {
    readonly minDsr: number;
    readonly source: string;
    readonly approximation: string;
  };
  readonly regimes: {
    readonly used: { name: string; regime: string; source: string }[];
    readonly skipped: readonly RegimeSkip[];
  };
  readonly walkforward: { readonly runId: string } | null;
  readonly notes: string[];
}

export type VerdictLabel = 'ROBUST' | 'NOT ROBUST';

export interface Verdict {
  readonly verdict: VerdictLabel;
  readonly why: string;
}
