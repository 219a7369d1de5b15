// Shared O(n) window primitives for the indicator kernels. Not an indicator itself (not in INDICATORS).

/**
 * Highest (`sign` = 1) or lowest (`sign` = -1) value of the `period` values ending at each bar, written
 * to `out[i]` for i >= period - 1. A monotonic deque of indices (one Int32Array per call) makes it O(n)
 * instead of O(n * period). A window holding a NaN yields NaN (NaN never enters the deque, where it
 * would break the ordering).
 */
export function rollingExtremeInto(values: Float64Array, period: number, sign: 1 | -1, out: Float64Array): void {
  const n = values.length;
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) nanCount++;
    else {
      // Drop every queued value the new one dominates; ties keep the newer index (it leaves later).
      if (sign === 1) while (tail > head && values[dq[tail - 1]] <= v) tail--;
      else while (tail > head && values[dq[tail - 1]] >= v) tail--;
      dq[tail++] = i;
    }
    if (i >= period) {
      const old = values[i - period];
      if (old !== old) nanCount--;
    }
    while (tail > head && dq[head] <= i - period) head++;
    if (i >= period - 1) out[i] = nanCount === 0 ? values[dq[head]] : NaN;
  }
}

/** Rolling maximum over `period` bars (current bar included); NaN before bar period - 1. */
export function rollingMax(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  rollingExtremeInto(values, period, 1, out);
  return out;
}

/** Rolling minimum over `period` bars (current bar included); NaN before bar period - 1. */
export function rollingMin(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN);
  rollingExtremeInto(values, period, -1, out);
  return out;
}

/**
 * Sum of the `period` values ending at each bar i >= start + period - 1, into `out` (other bars
 * untouched). Incremental, but recomputed exactly once every `period` bars: amortised O(1) per bar,
 * and the add/subtract rounding drift cannot accumulate over long series. A window of zeros sums to
 * exactly 0 (nonzero values are counted), which 0/0 checks and [0, 100] ranges (MFI) rely on.
 * A window holding a NaN yields NaN.
 */
export function rollingSumInto(values: Float64Array, period: number, start: number, out: Float64Array): void {
  const n = values.length;
  let sum = 0;
  let nanCount = 0;
  let nonzero = 0;
  for (let i = start; i < n; i++) {
    const v = values[i];
    if (v !== v) nanCount++;
    else if (v !== 0) {
      sum += v;
      nonzero++;
    }
    if (i - start >= period) {
      const old = values[i - period];
      if (old !== old) nanCount--;
      else if (old !== 0) {
        sum -= old;
        nonzero--;
      }
    }
    const k = i - start - (period - 1);
    if (k < 0) continue;
    if (nonzero === 0) sum = 0;
    else if (k % period === 0) {
      sum = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const w = values[j];
        if (w === w) sum += w;
      }
    }
    out[i] = nanCount === 0 ? sum : NaN;
  }
}

/** Wilder's true range at bar i >= 1: max(high - low, |high - prevClose|, |low - prevClose|); NaN if any input is. */
export function trueRangeAt(high: Float64Array, low: Float64Array, close: Float64Array, i: number): number {
  const h = high[i];
  const l = low[i];
  const pc = close[i - 1];
  return Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
}
