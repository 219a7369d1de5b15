import { normCdf } from './normal.js';

// Sharpe ratio, its higher-moment standard error and the Probabilistic Sharpe Ratio.
//
// Units: every Sharpe ratio here is PER PERIOD (mean / sd of one return observation, no risk-free
// rate: pass excess returns if one matters) unless the name says `annual`. The PSR and DSR formulas
// are only valid on the per-period value; convert with annualiseSharpe / deannualiseSharpe.
//
// NaN policy: any NaN in the input gives NaN out (nothing is dropped), and so do too few
// observations (fewer than 2 for the mean/sd, fewer than 3 for the moments).

export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1 denominator), numpy `std(ddof=1)`. */
  readonly sd: number;
  /** Population skewness E[(x-μ)³]/σ³ with biased moments: scipy.stats.skew(x) (bias=True). */
  readonly skew: number;
  /** Population kurtosis, NOT excess (normal = 3): scipy.stats.kurtosis(x, fisher=False). */
  readonly kurt: number;
}

export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = n > 0 ? sum / n : NaN;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const sd = n >= 2 ? Math.sqrt(m2 / (n - 1)) : NaN;
  const pm2 = m2 / n;
  // Skewness/kurtosis of a constant series are 0/0: NaN, not a made-up 0 or 3.
  const skew = n >= 3 ? m3 / n / pm2 ** 1.5 : NaN;
  const kurt = n >= 3 ? m4 / n / (pm2 * pm2) : NaN;
  return { n, mean, sd, skew, kurt };
}

/**
 * Per-period Sharpe ratio mean / sd (sd with n - 1), equivalent to numpy
 * `x.mean() / x.std(ddof=1)`. NaN with fewer than 2 observations or a constant series with zero
 * mean; ±Infinity for a constant non-zero series (zero risk, real drift) — callers decide.
 */
export function sharpeRatio(x: ArrayLike<number>): number {
  const m = moments(x);
  return m.mean / m.sd;
}

/** Annualised Sharpe from a per-period one: SR · sqrt(periodsPerYear) (the iid scaling). */
export function annualiseSharpe(srPerPeriod: number, periodsPerYear: number): number {
  return srPerPeriod * Math.sqrt(periodsPerYear);
}

/** Per-period Sharpe from an annualised one. */
export function deannualiseSharpe(srAnnual: number, periodsPerYear: number): number {
  return srAnnual / Math.sqrt(periodsPerYear);
}

/**
 * Standard error of the per-period Sharpe estimate with non-normal returns (Mertens 2002, as used
 * by Bailey & López de Prado 2012/2014): sqrt((1 - γ3·SR + (γ4 - 1)/4·SR²) / (T - 1)), γ4 the
 * non-excess kurtosis. For normal returns (γ3 = 0, γ4 = 3) it is Lo's (2002) sqrt((1 + SR²/2)/(T-1)).
 * NaN when T < 2 or when extreme moments make the variance term non-positive (no valid estimate).
 */
export function sharpeStdError(sr: number, t: number, skew = 0, kurt = 3): number {
  const v = 1 - skew * sr + ((kurt - 1) / 4) * sr * sr;
  if (!(t >= 2) || !(v > 0)) return NaN;
  return Math.sqrt(v / (t - 1));
}

/** Lo (2002) asymptotic standard error of the per-period Sharpe for iid normal returns: sqrt((1 + SR²/2) / T). */
export function loSharpeStdError(sr: number, t: number): number {
  return t >= 1 ? Math.sqrt((1 + 0.5 * sr * sr) / t) : NaN;
}

/**
 * Probabilistic Sharpe Ratio (Bailey & López de Prado 2012, "The Sharpe Ratio Efficient Frontier"):
 * P(true SR > benchmark) = Φ((SR - SR*) / sharpeStdError(SR, T, γ3, γ4)). Both Sharpe ratios per
 * period; T the number of return observations; γ4 non-excess kurtosis. NaN as for sharpeStdError.
 */
export function probabilisticSharpe(sr: number, benchmark: number, t: number, skew = 0, kurt = 3): number {
  const se = sharpeStdError(sr, t, skew, kurt);
  return normCdf((sr - benchmark) / se);
}
