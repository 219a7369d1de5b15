/** Drawdown figures of an equity curve, backtesting.py's definitions. */
export interface DrawdownStats {
  /** Deepest drawdown as a negative fraction: -0.48 = equity fell 48 % below its running peak. */
  maxDrawdown: number;
  /** Mean of each drawdown period's deepest point, negative fraction. */
  avgDrawdown: number;
  /** Longest drawdown period in bars: from the peak bar to the bar equity is back at the peak (or the last bar). */
  maxDrawdownDuration: number;
  /** Longest drawdown period in calendar days (time of recovery bar minus time of peak bar). */
  maxDrawdownDurationDays: number;
  equityPeak: number;
}

const DAY_MS = 86_400_000;

/**
 * dd[k] = 1 - equity[k] / max(equity[0..k]). A drawdown period runs from a bar with dd = 0 to the next
 * bar with dd = 0, or to the last bar when equity never recovers; periods of one bar (a new peak right
 * after a peak) are not drawdowns. This is backtesting.py's compute_drawdown_duration_peaks, with the
 * duration counted in bars as well as in time.
 *
 * While the peak is finite and positive no division is needed per bar: dd = 0 exactly when equity is
 * at the peak (below it e / peak < 1 - 2^-54, which never rounds to 1), and within a period the peak
 * is fixed, so its deepest dd is the one of its lowest equity (e / peak and 1 - x round monotonically;
 * NaN bars are skipped by both). Curves starting at or below zero, not finite, or reaching +Infinity
 * take the per-bar definition (drawdownPerBar); both give the same numbers bit for bit.
 */
export function drawdownStats(equity: Float64Array, time: Float64Array): DrawdownStats {
  const n = equity.length;
  let peak = n > 0 ? equity[0] : NaN;
  if (!(peak > 0 && peak < Infinity)) return drawdownPerBar(equity, time);
  let maxDd = 0;
  let lastZero = 0;
  let low = Infinity; // lowest equity since the last bar at the peak (NaN bars skipped)
  let periods = 0;
  let sumPeaks = 0;
  let maxDurBars = 0;
  let maxDurMs = 0;
  for (let k = 1; k < n; k++) {
    const e = equity[k];
    if (e >= peak) {
      if (k > lastZero + 1) {
        // The period lastZero..k closes; its dd values were taken against the peak before this bar.
        const periodMax = low < Infinity ? 1 - low / peak : 0;
        if (periodMax > maxDd) maxDd = periodMax;
        periods++;
        sumPeaks += periodMax;
        if (k - lastZero > maxDurBars) maxDurBars = k - lastZero;
        const ms = time[k] - time[lastZero];
        if (ms > maxDurMs) maxDurMs = ms;
      }
      if (e > peak) {
        if (e === Infinity) return drawdownPerBar(equity, time);
        peak = e;
      }
      lastZero = k;
      low = Infinity;
    } else if (e < low) low = e;
  }
  const lastMax = low < Infinity ? 1 - low / peak : 0;
  if (lastMax > maxDd) maxDd = lastMax;
  if (n - 1 > lastZero + 1) {
    periods++;
    sumPeaks += lastMax;
    if (n - 1 - lastZero > maxDurBars) maxDurBars = n - 1 - lastZero;
    const ms = time[n - 1] - time[lastZero];
    if (ms > maxDurMs) maxDurMs = ms;
  }
  return result(maxDd, periods, sumPeaks, maxDurBars, maxDurMs, peak);
}

/** drawdownStats by its definition, one division per bar: any peak (NaN, infinite, zero, negative). */
export function drawdownPerBar(equity: Float64Array, time: Float64Array): DrawdownStats {
  const n = equity.length;
  let peak = n > 0 ? equity[0] : NaN;
  let maxDd = 0;
  let lastZero = 0;
  let periodMax = 0;
  let periods = 0;
  let sumPeaks = 0;
  let maxDurBars = 0;
  let maxDurMs = 0;
  const closePeriod = (end: number): void => {
    periods++;
    sumPeaks += periodMax;
    if (end - lastZero > maxDurBars) maxDurBars = end - lastZero;
    const ms = time[end] - time[lastZero];
    if (ms > maxDurMs) maxDurMs = ms;
  };
  for (let k = 1; k < n; k++) {
    const e = equity[k];
    if (e > peak) peak = e;
    const dd = 1 - e / peak;
    if (dd > maxDd) maxDd = dd;
    if (dd === 0) {
      if (k > lastZero + 1) closePeriod(k);
      lastZero = k;
      periodMax = 0;
    } else if (dd > periodMax) periodMax = dd;
  }
  if (n > 0 && n - 1 > lastZero + 1) closePeriod(n - 1);
  return result(maxDd, periods, sumPeaks, maxDurBars, maxDurMs, peak);
}

function result(
  maxDd: number,
  periods: number,
  sumPeaks: number,
  maxDurBars: number,
  maxDurMs: number,
  peak: number,
): DrawdownStats {
  return {
    maxDrawdown: -maxDd,
    avgDrawdown: periods > 0 ? -sumPeaks / periods : 0,
    maxDrawdownDuration: maxDurBars,
    maxDrawdownDurationDays: maxDurMs / DAY_MS,
    equityPeak: peak,
  };
}
