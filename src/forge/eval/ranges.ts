// Time ranges of an evaluation: which bars give the fitness and which are held out.

export type TimeRange = readonly [from: number, to: number];

/** The in-sample range that gives the fitness, and the range reported beside it (never selected on). */
export interface Ranges {
  readonly inSample: TimeRange;
  readonly outOfSample: TimeRange | null;
}

/** Index of the first bar whose open time is >= t (binary search over sorted times). */
export function barAt(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** In-sample = the window's first (1 - holdout) of time, out-of-sample = the rest. */
export function holdoutRanges(window: { fromMs: number; toMs: number }, holdout: number): Ranges {
  const split = window.fromMs + Math.round((1 - holdout) * (window.toMs - window.fromMs));
  return { inSample: [window.fromMs, split], outOfSample: holdout > 0 ? [split, window.toMs] : null };
}
