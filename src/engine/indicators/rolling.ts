// Shared O(n) window primitives for the indicator kernels. Not an indicator itself (not in INDICATORS).

// Rolling extremes use van Herk / Gil-Werman blocks: the series is cut into blocks of `period` bars; a
// window ending at bar i (offset t in its block) is the previous block's suffix from t + 1 plus the current
// block's prefix up to t, so its extreme is one comparison of a suffix extreme (computed once per block,
// backwards, into `period` slots of scratch) with the running prefix extreme. O(n) for any period, about
// three comparisons per bar and far fewer unpredictable branches than a monotonic deque. Ties resolve to the
// newer bar, as a deque that pops "<=" does, so the value returned is the same double (sign of zero included).
// NaN never takes part in a comparison that picks; a per-window NaN count makes such windows NaN instead.

/**
 * Highest (`sign` = 1) or lowest (`sign` = -1) value of the `period` values ending at each bar, written
 * to `out[i]` for i >= period - 1 (earlier bars untouched). A window holding a NaN yields NaN.
 */
export function rollingExtremeInto(values: Float64Array, period: number, sign: 1 | -1, out: Float64Array): void {
  if (sign === 1) rollingMaxInto(values, period, out);
  else rollingMinInto(values, period, out);
}

function rollingMaxInto(v: Float64Array, period: number, out: Float64Array): void {
  const n = v.length;
  const suffix = new Float64Array(period);
  let nanCount = 0;
  for (let b = 0; b < n; b += period) {
    const e = b + period < n ? b + period : n;
    let run = -Infinity;
    for (let i = b; i < e; i++) {
      const x = v[i];
      if (x !== x) nanCount++;
      else if (x >= run) run = x;
      if (i >= period && v[i - period] !== v[i - period]) nanCount--;
      const t = i - b;
      if (t === period - 1) out[i] = nanCount === 0 ? run : NaN;
      else if (b > 0) {
        const s = suffix[t + 1];
        out[i] = nanCount !== 0 ? NaN : run >= s ? run : s;
      }
    }
    if (e - b === period) {
      let s = -Infinity;
      for (let k = period - 1; k >= 0; k--) {
        const x = v[b + k];
        if (x > s) s = x;
        suffix[k] = s;
      }
    }
  }
}

function rollingMinInto(v: Float64Array, period: number, out: Float64Array): void {
  const n = v.length;
  const suffix = new Float64Array(period);
  let nanCount = 0;
  for (let b = 0; b < n; b += period) {
    const e = b + period < n ? b + period : n;
    let run = Infinity;
    for (let i = b; i < e; i++) {
      const x = v[i];
      if (x !== x) nanCount++;
      else if (x <= run) run = x;
      if (i >= period && v[i - period] !== v[i - period]) nanCount--;
      const t = i - b;
      if (t === period - 1) out[i] = nanCount === 0 ? run : NaN;
      else if (b > 0) {
        const s = suffix[t + 1];
        out[i] = nanCount !== 0 ? NaN : run <= s ? run : s;
      }
    }
    if (e - b === period) {
      let s = Infinity;
      for (let k = period - 1; k >= 0; k--) {
        const x = v[b + k];
        if (x < s) s = x;
        suffix[k] = s;
      }
    }
  }
}

/**
 * Where the close sits in the `period`-bar range, fused with the range's highest high and lowest low
 * (the blocks above, both series in one pass, no per-bar arrays) into out[i] for i >= period - 1 (earlier
 * bars untouched): `fromLow` true gives 100 * (close - ll) / (hh - ll) (stochastic fast %K), false gives
 * -100 * (hh - close) / (hh - ll) (Williams %R). A flat range gives 0; a window holding a NaN gives NaN.
 */
export function rangePositionInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  fromLow: boolean,
  out: Float64Array,
): void {
  const n = close.length;
  const hSuffix = new Float64Array(period);
  const lSuffix = new Float64Array(period);
  const scale = fromLow ? 100 : -100;
  let nanHigh = 0;
  let nanLow = 0;
  for (let b = 0; b < n; b += period) {
    const e = b + period < n ? b + period : n;
    let hRun = -Infinity;
    let lRun = Infinity;
    for (let i = b; i < e; i++) {
      const h = high[i];
      if (h !== h) nanHigh++;
      else if (h >= hRun) hRun = h;
      const l = low[i];
      if (l !== l) nanLow++;
      else if (l <= lRun) lRun = l;
      if (i >= period) {
        if (high[i - period] !== high[i - period]) nanHigh--;
        if (low[i - period] !== low[i - period]) nanLow--;
      }
      const t = i - b;
      let hh: number;
      let ll: number;
      if (t === period - 1) {
        hh = hRun;
        ll = lRun;
      } else if (b > 0) {
        const hs = hSuffix[t + 1];
        const ls = lSuffix[t + 1];
        hh = hRun >= hs ? hRun : hs;
        ll = lRun <= ls ? lRun : ls;
      } else continue;
      if (nanHigh !== 0) hh = NaN;
      if (nanLow !== 0) ll = NaN;
      const range = hh - ll;
      const x = fromLow ? close[i] - ll : hh - close[i];
      out[i] = range === 0 && x === x ? 0 : (scale * x) / range;
    }
    if (e - b === period) {
      let hs = -Infinity;
      let ls = Infinity;
      for (let k = period - 1; k >= 0; k--) {
        const h = high[b + k];
        const l = low[b + k];
        if (h > hs) hs = h;
        if (l < ls) ls = l;
        hSuffix[k] = hs;
        lSuffix[k] = ls;
      }
    }
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
  let phase = 0; // (i - start - (period - 1)) % period once the first window is full: 0 means resync
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
    if (i - start < period - 1) continue;
    if (nonzero === 0) sum = 0;
    else if (phase === 0) {
      sum = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const w = values[j];
        if (w === w) sum += w;
      }
    }
    phase = phase + 1 === period ? 0 : phase + 1;
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
