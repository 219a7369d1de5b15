import { sharpeRatio } from './sharpe.js';

// Monte Carlo permutation tests. The p-value is (1 + #{null >= observed}) / (1 + n) (Phipson &
// Smyth 2010, "Permutation p-values should never be zero"): the observed statistic counts as one
// draw of the null, so p is never 0 and P(p <= k/(n+1)) <= k/(n+1) holds exactly under the null.
//
// Randomness: an rng `() => number` in [0, 1) (seedrandom) passed in; same rng state, same p-value.

export type Rng = () => number;

/**
 * Generic one-sided Monte Carlo p-value: draws `stat(rng)` n times and counts draws >= observed
 * (ties count against the strategy). `tolerance` (>= 0, default 0): draws within it below the
 * observed value also count as ties — a permuted sum of the same numbers differs from the original
 * by rounding only, and that must not read as the strategy beating its own permutation.
 * NaN if observed or any null draw is NaN (a null statistic that could not be computed is not
 * evidence either way, so nothing is dropped), or n < 1.
 */
export function permutationPValue(
  observed: number,
  stat: (rng: Rng) => number,
  n: number,
  rng: Rng,
  tolerance = 0,
): number {
  if (!Number.isInteger(n) || n < 1 || Number.isNaN(observed)) return NaN;
  const bar = observed - tolerance;
  let exceed = 0;
  let invalid = false;
  for (let k = 0; k < n; k++) {
    const s = stat(rng);
    if (Number.isNaN(s)) invalid = true;
    else if (s >= bar) exceed++;
  }
  return invalid ? NaN : (1 + exceed) / (1 + n);
}

/** In-place Fisher–Yates shuffle: for i = n-1 down to 1, swap a[i] with a[floor(rng() · (i + 1))]. */
export function shuffleInPlace(a: Float64Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

export type TimingStatistic = 'mean' | 'sharpe';

export interface TimingTestResult {
  /** The statistic of the real alignment of positions and returns. */
  readonly observed: number;
  readonly pValue: number;
  readonly n: number;
}

function statistic(
  positions: ArrayLike<number>,
  returns: ArrayLike<number>,
  scratch: Float64Array,
  kind: TimingStatistic,
): number {
  const t = scratch.length;
  if (kind === 'mean') {
    let s = 0;
    for (let i = 0; i < t; i++) s += positions[i] * returns[i];
    return s / t;
  }
  for (let i = 0; i < t; i++) scratch[i] = positions[i] * returns[i];
  return sharpeRatio(scratch);
}

/**
 * Null of NO TIMING SKILL. positions[t] is the exposure held over bar t (e.g. -1, 0, 1 or a
 * fraction) and barReturns[t] the market's return over that bar; the strategy's gross return is
 * positions[t] · barReturns[t]. Each null draw keeps the positions exactly as traded (same time in
 * the market, same long/short mix, same trades) and shuffles the bar returns under them, so it
 * asks: does this particular alignment of exposure with market moves beat random alignments?
 *
 * Why this null: it is a cheap form of the market-permutation test (T. Masters, Permutation and
 * Randomization Tests for Trading System Development, 2020, permutes the market and re-runs the
 * system; here the positions are held fixed instead, so no backtest is re-run). Because every
 * draw keeps the strategy's exposure profile, a play that is merely long during an up-trending
 * sample gets no credit for the drift — only for WHEN it was exposed.
 * Limits: shuffling destroys volatility clustering and autocorrelation in the returns, and it tests
 * gross returns (costs are a separate guard). Equivalent, for these statistics, to permuting the
 * positions against fixed returns.
 *
 * Statistic: 'mean' (mean gross return per bar, default) or 'sharpe' (per-bar Sharpe of it).
 * NaN p-value if the inputs contain NaN (warm-up bars must be sliced off by the caller) or are
 * shorter than 2 bars. The caller's arrays are never mutated.
 */
export function timingPermutationTest(
  positions: ArrayLike<number>,
  barReturns: ArrayLike<number>,
  options: { readonly n: number; readonly statistic?: TimingStatistic },
  rng: Rng,
): TimingTestResult {
  if (positions.length !== barReturns.length) {
    throw new RangeError(
      `positions (${positions.length}) and barReturns (${barReturns.length}) must have the same length`,
    );
  }
  const kind = options.statistic ?? 'mean';
  const t = positions.length;
  const scratch = new Float64Array(t);
  const observed = t < 2 ? NaN : statistic(positions, barReturns, scratch, kind);
  const shuffled = new Float64Array(t);
  const draw = (r: Rng): number => {
    // Each draw shuffles a fresh copy of the original order, so draws are independent of each other.
    for (let i = 0; i < t; i++) shuffled[i] = barReturns[i];
    shuffleInPlace(shuffled, r);
    return statistic(positions, shuffled, scratch, kind);
  };
  // Rounding of a reordered sum: ~T·ε relative to the sum of magnitudes; 1e-9 of that scale is far
  // above rounding and far below any real difference between two alignments.
  let scale = 0;
  for (let i = 0; i < t; i++) scale += Math.abs(positions[i] * barReturns[i]);
  const tolerance = 1e-9 * (kind === 'mean' ? scale / t : Math.max(1, Math.abs(observed)));
  return { observed, pValue: permutationPValue(observed, draw, options.n, rng, tolerance), n: options.n };
}
