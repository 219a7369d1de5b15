import type { MetricRecord } from '../eval/evaluator.js';

// The walk-forward figures and the robustness verdict, from the windows' records alone (pure).
//
// Definitions (fractions throughout, 0.05 = 5 %):
// - a window's return is its totalReturn; its annualised return is MetricRecord.cagr (compound annual
//   growth over the range's calendar time), so training and test ranges of different lengths compare;
// - a window's performance drop = (IS cagr - OOS cagr) / |IS cagr| (null when IS cagr is 0);
// - the mean annualised return of several windows is the geometric one, exp(mean(ln(1 + cagr))) - 1:
//   the arithmetic mean of compounded short-window rates is dominated by one lucky month (+43 % in 90
//   days is +324 % a year), while the geometric mean of contiguous equal test windows is exactly the
//   stitched out-of-sample curve's CAGR;
// - degradation = (mean IS cagr - mean OOS cagr) / |mean IS cagr|, over the completed windows;
// - walk-forward efficiency (WFE) = mean OOS cagr / mean IS cagr (null unless mean IS cagr > 0);
// - consistency: CV = population std / |mean| of the windows' OOS returns (numpy's np.std), and the
//   score 100 * clamp(1 - CV, 0, 1): CV 0 scores 100, a spread as large as the mean scores 0;
// - a profitable window has OOS return > 0.
// Failed windows are counted and listed but enter none of the figures.

export interface WindowOutcome {
  readonly status: 'ok' | 'failed';
  readonly inSample: MetricRecord | null;
  readonly outOfSample: MetricRecord | null;
}

export interface Aggregate {
  readonly windows: number;
  readonly okWindows: number;
  readonly failedWindows: number;
  readonly avgInSampleReturn: number | null;
  readonly avgOutOfSampleReturn: number | null;
  readonly avgInSampleCagr: number | null;
  readonly avgOutOfSampleCagr: number | null;
  readonly degradation: number | null;
  readonly wfe: number | null;
  readonly oosReturnStd: number | null;
  readonly cv: number | null;
  readonly consistencyScore: number | null;
  readonly profitableWindows: number;
  readonly profitableShare: number | null;
}

/** Thresholds of the verdict; null switches a criterion off. The first four are the brief's. */
export interface Criteria {
  /** Mean OOS return must be above this. */
  readonly minOosReturn: number | null;
  /** Degradation must be below this. */
  readonly maxDegradation: number | null;
  /** Consistency score must be above this. */
  readonly minConsistency: number | null;
  /** Share of profitable windows must be above this. */
  readonly minProfitableShare: number | null;
  /** WFE must be at least this (off by default: with annualised returns it is 1 - degradation). */
  readonly minWfe: number | null;
}

export const DEFAULT_CRITERIA: Criteria = Object.freeze({
  minOosReturn: 0,
  maxDegradation: 0.5,
  minConsistency: 40,
  minProfitableShare: 0.5,
  minWfe: null,
});

export interface CriterionResult {
  readonly name: keyof Criteria;
  readonly label: string;
  readonly value: number | null;
  readonly op: '>' | '<' | '>=';
  readonly threshold: number;
  readonly pass: boolean;
}

export interface Verdict {
  readonly robust: boolean;
  /** robust: every criterion passes; marginal: exactly one fails; no-result: no window completed. */
  readonly label: 'robust' | 'marginal' | 'not-robust' | 'no-result';
  readonly passed: number;
  readonly total: number;
  readonly criteria: CriterionResult[];
}

const fin = (x: number | undefined | null): x is number => typeof x === 'number' && Number.isFinite(x);

export function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Geometric mean of annual rates: exp(mean(ln(1 + r))) - 1; a total loss (r = -1) makes it -1. */
export function meanAnnualRate(rates: readonly number[]): number | null {
  const m = mean(rates.map((r) => Math.log1p(r)));
  return m === null ? null : Math.expm1(m);
}

/** Population standard deviation (divides by n). */
export function populationStd(xs: readonly number[]): number | null {
  const m = mean(xs);
  return m === null ? null : Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
}

export function performanceDrop(inSample: MetricRecord | null, outOfSample: MetricRecord | null): number | null {
  if (!inSample || !outOfSample || !fin(inSample.cagr) || !fin(outOfSample.cagr) || inSample.cagr === 0) return null;
  return (inSample.cagr - outOfSample.cagr) / Math.abs(inSample.cagr);
}

export function aggregate(windows: readonly WindowOutcome[]): Aggregate {
  const ok = windows.filter((w) => w.status === 'ok' && w.inSample && w.outOfSample);
  const values = (pick: (w: WindowOutcome) => number | undefined) => ok.map(pick).filter(fin);
  const isRet = values((w) => w.inSample?.totalReturn);
  const oosRet = values((w) => w.outOfSample?.totalReturn);
  const isCagr = meanAnnualRate(values((w) => w.inSample?.cagr));
  const oosCagr = meanAnnualRate(values((w) => w.outOfSample?.cagr));
  const oosMean = mean(oosRet);
  const std = populationStd(oosRet);
  // One window has no spread to measure: its consistency is unknown, not perfect.
  const cv =
    oosRet.length < 2 || std === null || oosMean === null ? null : oosMean === 0 ? Infinity : std / Math.abs(oosMean);
  const profitable = oosRet.filter((r) => r > 0).length;
  return {
    windows: windows.length,
    okWindows: ok.length,
    failedWindows: windows.length - ok.length,
    avgInSampleReturn: mean(isRet),
    avgOutOfSampleReturn: oosMean,
    avgInSampleCagr: isCagr,
    avgOutOfSampleCagr: oosCagr,
    degradation: isCagr === null || oosCagr === null || isCagr === 0 ? null : (isCagr - oosCagr) / Math.abs(isCagr),
    wfe: isCagr === null || oosCagr === null || !(isCagr > 0) ? null : oosCagr / isCagr,
    oosReturnStd: std,
    cv: cv === Infinity ? null : cv,
    consistencyScore: cv === null ? null : 100 * Math.min(1, Math.max(0, 1 - cv)),
    profitableWindows: profitable,
    profitableShare: oosRet.length === 0 ? null : profitable / oosRet.length,
  };
}

export function verdict(a: Aggregate, c: Criteria): Verdict {
  const list: CriterionResult[] = [];
  const add = (name: keyof Criteria, label: string, value: number | null, op: CriterionResult['op']) => {
    const threshold = c[name];
    if (threshold === null) return;
    const pass =
      value !== null && (op === '>' ? value > threshold : op === '<' ? value < threshold : value >= threshold);
    list.push({ name, label, value, op, threshold, pass });
  };
  add('minOosReturn', 'mean out-of-sample return', a.avgOutOfSampleReturn, '>');
  add('maxDegradation', 'degradation (annualised, IS to OOS)', a.degradation, '<');
  add('minConsistency', 'consistency score (100 x (1 - CV))', a.consistencyScore, '>');
  add('minProfitableShare', 'share of profitable windows', a.profitableShare, '>');
  add('minWfe', 'walk-forward efficiency', a.wfe, '>=');
  const passed = list.filter((x) => x.pass).length;
  const failed = list.length - passed;
  const label: Verdict['label'] =
    a.okWindows === 0 ? 'no-result' : failed === 0 ? 'robust' : failed === 1 ? 'marginal' : 'not-robust';
  return { robust: label === 'robust', label, passed, total: list.length, criteria: list };
}
