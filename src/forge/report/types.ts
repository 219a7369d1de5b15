import type { Aggregate, Verdict } from '../walkforward/aggregate.js';
import type { StitchedSummary } from '../walkforward/equity.js';
import type { HeatmapPair } from './aggregate.js';
import type { CurveData } from './replay.js';

// The data a report page draws (build.ts fills it, the page script reads it as JSON). Numbers that
// could not be computed are null, so the JSON holds no NaN.

export interface ReportHeader {
  readonly runId: string;
  readonly name: string | null;
  readonly kind: string;
  readonly dataset: string;
  readonly synthetic: boolean;
  readonly play: string;
  readonly playName: string;
  readonly seed: string;
  readonly version: string;
  /** When the report was written (ISO). */
  readonly created: string;
  readonly objective: string;
}

export interface StatRow {
  readonly label: string;
  readonly unit: '%' | 'ratio' | 'count' | 'cash' | 'years';
  readonly inSample: number | null;
  readonly outOfSample: number | null;
}

export interface RankData {
  readonly rank: number;
  readonly fitness: number;
  readonly generation: number;
  readonly params: Record<string, string | number | boolean>;
  readonly play: string[];
  readonly stats: StatRow[];
  /** The play made no trade in the held-out part: its out-of-sample figures say nothing. */
  readonly noOosTrades: boolean;
  readonly curve: CurveData;
}

export interface ConvergencePoint {
  readonly generation: number;
  readonly best: number | null;
  readonly median: number | null;
  readonly worst: number | null;
  readonly diversity: number | null;
  /** New evaluations in this generation, and the running total. */
  readonly evaluated: number;
  readonly evaluations: number;
}

export interface EvolveSection {
  readonly holdout: number;
  readonly window: { readonly fromMs: number; readonly toMs: number };
  /** Where the out-of-sample part starts (epoch ms); null without a holdout. */
  readonly boundaryMs: number | null;
  readonly cash: number;
  readonly ranks: RankData[];
  readonly convergence: ConvergencePoint[];
  /** The numeric genes the heatmap and per-gene view offer, with their bin labels. */
  readonly genes: { readonly path: string; readonly label: string; readonly labels: string[] }[];
  /** One per pair (x < y) of `genes` indices. */
  readonly heatmaps: HeatmapPair[];
  /** A fixed-size sample of evaluated plays: fitness and each numeric gene's value. */
  readonly sample: { readonly fitness: number[]; readonly values: number[][] };
  readonly evaluations: number;
  readonly failed: number;
}

export interface WalkforwardSection {
  readonly windows: {
    readonly index: number;
    readonly train: [number, number];
    readonly test: [number, number];
    readonly status: 'ok' | 'failed';
    readonly error: string | null;
    readonly params: Record<string, string | number | boolean> | null;
    readonly inSampleReturn: number | null;
    readonly outOfSampleReturn: number | null;
    readonly inSampleSharpe: number | null;
    readonly outOfSampleSharpe: number | null;
    readonly outOfSampleTrades: number | null;
  }[];
  readonly stitched: { readonly time: number[]; readonly equity: number[]; readonly summary: StitchedSummary };
  readonly aggregate: Aggregate;
  readonly verdict: Verdict;
}

export interface ValidationSection {
  readonly seed: string;
  readonly inSample: { readonly from: string; readonly to: string };
  readonly notes: string[];
  readonly trials: number;
  readonly alpha: number;
  readonly minDsr: number;
  readonly plays: {
    readonly rank: number;
    readonly guards: {
      name: string;
      value: number | null;
      unit: string;
      rule: string;
      threshold: number;
      status: string;
    }[];
    readonly pValue: number | null;
    readonly bhAdjusted: number | null;
    readonly bhSignificant: boolean;
    readonly dsr: number | null;
    readonly guardsPassed: number;
    readonly guardsRun: number;
    readonly robust: boolean;
  }[];
}

export interface ReportData {
  readonly header: ReportHeader;
  readonly evolve?: EvolveSection;
  readonly walkforward?: WalkforwardSection;
  readonly validation?: ValidationSection;
}
