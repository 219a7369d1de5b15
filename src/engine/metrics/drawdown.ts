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
 */
export function drawdownStats(equity: Float64Array, time: Float64Array): DrawdownStats {
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
  return {
    maxDrawdown: -maxDd,
    avgDrawdown: periods > 0 ? -sumPeaks / periods : 0,
    maxDrawdownDuration: maxDurBars,
    maxDrawdownDurationDays: maxDurMs / DAY_MS,
    equityPeak: peak,
  };
}
