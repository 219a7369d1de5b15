import type { RangeInfo } from './windows.js';
import type { MetricRecord } from '../eval/evaluator.js';
import type { Aggregate, Verdict } from './aggregate.js';
import type { WalkforwardConfig } from './config.js';
import type { StitchedSummary } from './equity.js';

// What a walk-forward run writes (walkforward.json, the store's rows): read by the recorder and the
// CLI, produced by run.ts.

export interface WindowRecord {
  readonly index: number;
  readonly train: RangeInfo;
  readonly test: RangeInfo;
  readonly status: 'ok' | 'failed';
  readonly error: string | null;
  readonly genome: number[] | null;
  readonly params: Record<string, string | number | boolean> | null;
  /** The winner's in-sample fitness. */
  readonly fitness: number | null;
  readonly evaluations: number;
  readonly generations: number;
  readonly inSample: MetricRecord | null;
  readonly outOfSample: MetricRecord | null;
  /** (IS cagr - OOS cagr) / |IS cagr|. */
  readonly drop: number | null;
}

/** What walkforward.json holds. */
export interface WalkforwardReport {
  readonly runId: string;
  readonly kind: 'walkforward';
  readonly dataset: { readonly name: string; readonly hash: string; readonly source: 'real' | 'synthetic' };
  readonly config: WalkforwardConfig;
  readonly playText: string;
  readonly timeframe: string;
  readonly windows: WindowRecord[];
  readonly aggregate: Aggregate;
  readonly verdict: Verdict;
  readonly stitched: StitchedSummary;
}

export type { RangeInfo };
