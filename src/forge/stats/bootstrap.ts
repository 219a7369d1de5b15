import type { Rng } from './permutation.js';
import { annualiseSharpe, sharpeRatio } from './sharpe.js';

// Bootstrap confidence interval of the Sharpe ratio, percentile method (Efron & Tibshirani 1993,
// ch. 13): resample the returns n times, take the alpha/2 and 1 - alpha/2 quantiles of the
// resampled Sharpe ratios.
//
// The returns can be bar returns (periodsPerYear = bars per year) or per-trade returns
// (periodsPerYear = trades per year, as the guards' trade-level bootstrap does). With blockSize > 1
// the resampling is the stationary bootstrap of Politis & Romano (1994): blocks of geometric length
// with mean blockSize, wrapping around the end, which keeps short-range autocorrelation (volatility
// clustering, trades that follow each other) inside each resample. blockSize 1 or absent = iid.

export interface BootstrapOptions {
  /** Number of resamples. */
  readonly n: number;
  /** 1 - confidence level: 0.05 gives the 95 % interval. */
  readonly alpha: number;
  /** Mean block length of the stationary bootstrap; 1 / absent = iid resampling. */
  readonly blockSize?: number;
  /** Periods per year to annualise with (SR · sqrt(periodsPerYear)); 1 keeps per-period units. */
  readonly periodsPerYear: number;
}

export interface SharpeCI {
  /** Annualised Sharpe of the original series. */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Resampled annualised Sharpe ratios, sorted ascending (for reports and plots). */
  readonly draws: Float64Array;
  /** Resamples whose Sharpe was NaN (a constant zero resample); any such makes the CI NaN. */
  readonly invalidDraws: number;
}

/** Quantile of sorted data with linear interpolation: R type 7, numpy's default `quantile`. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0 || !(q >= 0 && q <= 1)) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const w = h - lo;
  // Avoid Infinity * 0 = NaN when the weight of an infinite neighbour is zero.
  return w === 0 ? sorted[lo] : sorted[lo] + w * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap CI of the annualised Sharpe. NaN interval (and estimate) if returns has a
 * NaN or fewer than 2 values. Throws RangeError on invalid options. Never mutates `returns`.
 */
export function bootstrapSharpeCI(returns: ArrayLike<number>, options: BootstrapOptions, rng: Rng): SharpeCI {
  const { n, alpha, periodsPerYear } = options;
  const block = options.blockSize ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(block >= 1)) throw new RangeError(`blockSize must be >= 1, got ${block}`);
  if (!(periodsPerYear > 0)) throw new RangeError(`periodsPerYear must be > 0, got ${periodsPerYear}`);
  const t = returns.length;
  const draws = new Float64Array(n);
  let hasNaN = t < 2;
  for (let i = 0; i < t && !hasNaN; i++) hasNaN = Number.isNaN(returns[i]);
  if (hasNaN) return { estimate: NaN, lower: NaN, upper: NaN, draws: draws.fill(NaN), invalidDraws: n };

  const sample = new Float64Array(t);
  const pNew = 1 / block;
  let invalid = 0;
  for (let k = 0; k < n; k++) {
    let idx = Math.floor(rng() * t);
    sample[0] = returns[idx];
    for (let i = 1; i < t; i++) {
      // iid (block 1): pNew = 1, every index is a fresh draw. Otherwise continue the block with
      // probability 1 - 1/blockSize. The continuation test only consumes rng when blocks are on.
      if (pNew < 1 && rng() >= pNew) idx = idx + 1 === t ? 0 : idx + 1;
      else idx = Math.floor(rng() * t);
      sample[i] = returns[idx];
    }
    const sr = annualiseSharpe(sharpeRatio(sample), periodsPerYear);
    if (Number.isNaN(sr)) invalid++;
    draws[k] = sr;
  }
  draws.sort(); // Float64Array sorts numerically; NaN last.
  const estimate = annualiseSharpe(sharpeRatio(returns), periodsPerYear);
  if (invalid > 0) return { estimate, lower: NaN, upper: NaN, draws, invalidDraws: invalid };
  return {
    estimate,
    lower: quantileSorted(draws, alpha / 2),
    upper: quantileSorted(draws, 1 - alpha / 2),
    draws,
    invalidDraws: 0,
  };
}
