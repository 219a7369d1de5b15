import { normInv } from './normal.js';
import { probabilisticSharpe, sharpeStdError } from './sharpe.js';

// Deflated Sharpe Ratio, Bailey & López de Prado (2014), "The Deflated Sharpe Ratio: Correcting for
// Selection Bias, Backtest Overfitting and Non-Normality", J. Portfolio Management 40(5), 94-107.
//
// A GA that tried N plays will find a high Sharpe by luck alone. The DSR is the PSR of the chosen
// play against SR0 = the Sharpe the best of N skill-less trials is expected to reach, so it
// answers "how likely is it that this play beats what the search would have found anyway".
//
// Units: ALL PER PERIOD — the observed Sharpe, the variance of the trials' Sharpe ratios and SR0.
// An annualised variance V_a converts with V_a / periodsPerYear (Sharpe scales with sqrt(periods)).

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/**
 * Expected maximum of N independent Sharpe estimates with true Sharpe 0 and cross-trial variance V
 * (False Strategy theorem, eq. in BLdP 2014):
 * E[max] ≈ sqrt(V) · ((1 - γ) Φ⁻¹(1 - 1/N) + γ Φ⁻¹(1 - 1/(N e))).
 * Exactly 0 for N = 1 (one skill-less trial is expected at 0; the asymptotic formula would give
 * -Infinity). NaN for N < 1, a non-integer N, or V < 0 / NaN.
 * Accuracy: for N = 100, V = 1 the formula gives 2.5306 against the exact 2.5076 (+0.9 %).
 */
export function expectedMaxSharpe(nTrials: number, trialSharpeVariance: number): number {
  if (!Number.isInteger(nTrials) || nTrials < 1 || !(trialSharpeVariance >= 0)) return NaN;
  if (nTrials === 1) return 0;
  const z1 = normInv(1 - 1 / nTrials);
  const z2 = normInv(1 - 1 / (nTrials * Math.E));
  return Math.sqrt(trialSharpeVariance) * ((1 - EULER_GAMMA) * z1 + EULER_GAMMA * z2);
}

/**
 * Sample variance (n - 1) of the trials' per-period Sharpe ratios. NaN if fewer than 2 values or any
 * value is not finite: failed trials must be excluded (or counted) by the caller explicitly.
 */
export function trialSharpeVariance(sharpes: ArrayLike<number>): number {
  const n = sharpes.length;
  if (n < 2) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(sharpes[i])) return NaN;
    sum += sharpes[i];
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sharpes[i] - mean) ** 2;
  return ss / (n - 1);
}

export interface DeflatedSharpeInput {
  /** Observed per-period Sharpe ratio of the selected play. */
  readonly sharpe: number;
  /** Number of independent trials the search made (N). */
  readonly nTrials: number;
  /** Variance of the trials' per-period Sharpe ratios (V). */
  readonly trialSharpeVariance: number;
  /** Number of return observations behind `sharpe` (T). */
  readonly observations: number;
  /** Skewness of the selected play's returns (0 if normal). */
  readonly skew?: number;
  /** Kurtosis of the selected play's returns, NOT excess (3 if normal). */
  readonly kurt?: number;
}

export interface DeflatedSharpeResult {
  /** Probability that the true Sharpe exceeds SR0: the DSR, in [0, 1]. */
  readonly dsr: number;
  /** The benchmark: expected maximum per-period Sharpe of N skill-less trials. */
  readonly sr0: number;
  /** (SR - SR0) / σ(SR): the z-score behind the DSR. */
  readonly z: number;
}

/**
 * DSR = PSR(SR0) with SR0 = expectedMaxSharpe(N, V). Equivalent to quantstrat's
 * `.deflatedSharpe` and vectorbt's `deflated_sharpe_ratio` given per-period inputs.
 * NaN (all three fields) when an input is invalid, T < 2, or the moments give no valid σ(SR).
 */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpeResult {
  const { sharpe, nTrials, observations } = input;
  const skew = input.skew ?? 0;
  const kurt = input.kurt ?? 3;
  const sr0 = expectedMaxSharpe(nTrials, input.trialSharpeVariance);
  const se = sharpeStdError(sharpe, observations, skew, kurt);
  const z = (sharpe - sr0) / se;
  const dsr = probabilisticSharpe(sharpe, sr0, observations, skew, kurt);
  return Number.isNaN(dsr) ? { dsr: NaN, sr0: NaN, z: NaN } : { dsr, sr0, z };
}
