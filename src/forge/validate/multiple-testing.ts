import { deflatedSharpe, trialSharpeVariance } from '../stats/deflated-sharpe.js';
import { benjaminiHochberg } from '../stats/fdr.js';
import { normCdf } from '../stats/normal.js';
import { deannualiseSharpe, sharpeStdError } from '../stats/sharpe.js';
import { finiteOrNull } from './finite.js';

// Multiple-testing control over EVERY play the run evaluated, not only the winners: the GA's
// thousands of trials are the family. Per play, a one-sided p-value for "true Sharpe <= 0" from its
// in-sample Sharpe; Benjamini-Hochberg at alpha over all of them; and for the validated plays the
// Deflated Sharpe Ratio with N = the number of distinct plays evaluated and V = the variance of
// their per-bar Sharpe ratios.
//
// Approximation (stated in every report): the store keeps each play's ANNUALISED in-sample Sharpe,
// not its returns. Per-bar SR = SR_ann / sqrt(barsPerYear); T = years · barsPerYear bars (the
// in-sample range, the same for every play of a run); p = 1 - PSR(0) = Φ(-SR / σ(SR)) with Lo's
// normal-returns σ(SR) = sqrt((1 + SR²/2) / (T - 1)) (skew 0, kurtosis 3). A play that failed or
// has no Sharpe (no trades, zero volatility) gets p = 1: it is a trial that proved nothing, and
// dropping it would shrink the family. The DSR of a validated play uses the skewness and kurtosis
// of its own in-sample bar returns when they are available.

export const APPROXIMATION =
  'p = 1 - PSR(0) from the stored annualised in-sample Sharpe: SR per bar = SR_ann / sqrt(barsPerYear), ' +
  'T = years x barsPerYear, normal returns (skew 0, kurtosis 3); failed or undefined Sharpe: p = 1';

export interface TrialRow {
  readonly key: string;
  /** Annualised in-sample Sharpe, null when the play failed or it is undefined. */
  readonly sharpe: number | null;
  readonly error: string | null;
}

export interface TrialResult {
  readonly key: string;
  readonly sharpe: number | null;
  readonly sharpePerBar: number | null;
  readonly pValue: number;
  readonly bhAdjusted: number;
  readonly bhSignificant: boolean;
  readonly note?: string;
}

export interface FamilyResult {
  readonly alpha: number;
  readonly trials: number;
  readonly observations: number;
  readonly barsPerYear: number;
  /** Variance of the per-bar Sharpe ratios of the trials that have one; null with fewer than 2. */
  readonly trialSharpeVariance: number | null;
  readonly withoutSharpe: number;
  readonly significant: number;
  readonly rows: TrialResult[];
}

/** One-sided p-value of "true Sharpe <= 0" for an annualised Sharpe, under the stated approximation. */
export function sharpePValue(
  sharpeAnn: number | null,
  barsPerYear: number,
  observations: number,
): { p: number; perBar: number | null; note?: string } {
  if (sharpeAnn === null || !Number.isFinite(sharpeAnn))
    return { p: 1, perBar: null, note: 'no in-sample Sharpe (failed, no trades or zero volatility): p = 1' };
  const sr = deannualiseSharpe(sharpeAnn, barsPerYear);
  const se = sharpeStdError(sr, observations);
  const p = normCdf(-sr / se);
  if (!(p >= 0 && p <= 1)) return { p: 1, perBar: sr, note: 'standard error undefined: p = 1' };
  return { p, perBar: sr };
}

export function familyTest(
  rows: readonly TrialRow[],
  barsPerYear: number,
  observations: number,
  alpha: number,
): FamilyResult {
  const tested = rows.map((r) => {
    const t = sharpePValue(r.sharpe, barsPerYear, observations);
    const note = r.error !== null ? `failed: ${r.error}; p = 1` : t.note;
    return {
      key: r.key,
      sharpe: finiteOrNull(r.sharpe),
      sharpePerBar: t.perBar,
      pValue: r.error !== null ? 1 : t.p,
      note,
    };
  });
  const bh =
    tested.length > 0
      ? benjaminiHochberg(
          tested.map((t) => t.pValue),
          alpha,
        )
      : { adjusted: [], rejected: [] };
  const perBar = tested.map((t) => t.sharpePerBar).filter((x): x is number => x !== null && Number.isFinite(x));
  const v = trialSharpeVariance(perBar);
  const out = tested.map((t, i) => ({
    key: t.key,
    sharpe: t.sharpe,
    sharpePerBar: t.sharpePerBar,
    pValue: t.pValue,
    bhAdjusted: bh.adjusted[i],
    bhSignificant: bh.rejected[i],
    ...(t.note ? { note: t.note } : {}),
  }));
  return {
    alpha,
    trials: rows.length,
    observations,
    barsPerYear,
    trialSharpeVariance: finiteOrNull(v),
    withoutSharpe: rows.length - perBar.length,
    significant: out.filter((r) => r.bhSignificant).length,
    rows: out,
  };
}

export interface DeflatedResult {
  readonly dsr: number | null;
  readonly sr0: number | null;
  readonly skew: number;
  readonly kurt: number;
  readonly note?: string;
}

/** The DSR of one play of the family: its per-bar Sharpe against the best of N skill-less trials. */
export function deflated(
  sharpeAnn: number | null,
  family: FamilyResult,
  moments: { skew: number | null; kurt: number | null },
): DeflatedResult {
  const skew = moments.skew ?? 0;
  const kurt = moments.kurt ?? 3;
  const normal =
    moments.skew === null || moments.kurt === null ? 'moments unavailable: normal returns assumed' : undefined;
  if (sharpeAnn === null || !Number.isFinite(sharpeAnn))
    return { dsr: null, sr0: null, skew, kurt, note: 'no in-sample Sharpe' };
  if (family.trialSharpeVariance === null)
    return { dsr: null, sr0: null, skew, kurt, note: 'fewer than 2 trials with a Sharpe: no trial variance' };
  const d = deflatedSharpe({
    sharpe: deannualiseSharpe(sharpeAnn, family.barsPerYear),
    nTrials: Math.max(1, family.trials),
    trialSharpeVariance: family.trialSharpeVariance,
    observations: family.observations,
    skew,
    kurt,
  });
  const note = Number.isNaN(d.dsr) ? 'DSR undefined (the moments give no valid standard error)' : normal;
  return { dsr: finiteOrNull(d.dsr), sr0: finiteOrNull(d.sr0), skew, kurt, ...(note ? { note } : {}) };
}
