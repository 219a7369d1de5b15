import { ForgeError } from './errors.js';
import type { Signals } from './sim/types.js';
import { bucketStart, timeframeMs } from './timeframe.js';
import type { Feed } from './types.js';

// Multi-timeframe plumbing. A play's higher-timeframe feature is computed on its own feed and then
// mapped onto the execution bars with `alignIndex` + `alignSeries`. The rule that keeps this free of
// lookahead: an execution bar sees a higher-timeframe bar only once that bar has CLOSED, i.e. when
// htf.time[k] + htf.tfMs <= exec.time[j] + exec.tfMs. Everything here reads the feeds and never writes them.

/**
 * Resample `feed` to the longer timeframe `tf`, keeping only complete buckets (all tfMs / feed.tfMs
 * bars present, the first starting at the bucket start). A bucket with a missing bar is dropped rather
 * than built from partial data, so its values are never a lie; the gap shows up as a gap in the result.
 * Open = first open, high = max, low = min, close = last close, volume = sum; NaN propagates.
 * Bar times must be strictly increasing (as every feed's are). Markets with sessions (stocks) have
 * incomplete buckets by nature (no weekend days in a week of 1d bars): the result can then be empty, and
 * the caller should say so rather than run on an all-NaN feature.
 */
export function resampleFeed(feed: Feed, tf: string): Feed {
  const tfMs = timeframeMs(tf, 'timeframe');
  const ratio = tfMs / feed.tfMs;
  if (!Number.isInteger(ratio) || ratio < 1) {
    throw new ForgeError(
      `timeframe: '${tf}' cannot be built from ${feed.tf} bars (it is not a whole multiple of ${feed.tf})`,
      `use a timeframe that is a whole multiple of ${feed.tf}, or load that timeframe directly`,
      'E_TIMEFRAME_RESAMPLE',
    );
  }
  const { time, open, high, low, close, volume } = feed;
  const n = feed.length;

  // Pass 1: count complete buckets so the output is allocated once at its exact size.
  let complete = 0;
  for (let i = 0; i < n; ) {
    const b = bucketStart(time[i], tfMs);
    let j = i + 1;
    while (j < n && time[j] < b + tfMs) j++;
    if (isComplete(time, i, j, b, ratio, tfMs, feed.tfMs)) complete++;
    i = j;
  }

  const t = new Float64Array(complete);
  const o = new Float64Array(complete);
  const h = new Float64Array(complete);
  const l = new Float64Array(complete);
  const c = new Float64Array(complete);
  const v = new Float64Array(complete);
  let k = 0;
  for (let i = 0; i < n; ) {
    const b = bucketStart(time[i], tfMs);
    let j = i + 1;
    while (j < n && time[j] < b + tfMs) j++;
    if (isComplete(time, i, j, b, ratio, tfMs, feed.tfMs)) {
      let hi = high[i];
      let lo = low[i];
      let vol = 0;
      for (let m = i; m < j; m++) {
        hi = Math.max(hi, high[m]);
        lo = Math.min(lo, low[m]);
        vol += volume[m];
      }
      t[k] = b;
      o[k] = open[i];
      h[k] = hi;
      l[k] = lo;
      c[k] = close[j - 1];
      v[k] = vol;
      k++;
    }
    i = j;
  }
  return { tf, tfMs, time: t, open: o, high: h, low: l, close: c, volume: v, length: complete };
}

/** Bars [i, j) fill bucket b exactly: the right count, starting at b, the last one ending at the bucket's end. */
function isComplete(
  time: Float64Array,
  i: number,
  j: number,
  b: number,
  ratio: number,
  tfMs: number,
  barMs: number,
): boolean {
  return j - i === ratio && time[i] === b && time[j - 1] + barMs === b + tfMs;
}

/**
 * For each execution bar j, the index of the last higher-timeframe bar that has closed by the close of
 * bar j (htf.time[k] + htf.tfMs <= exec.time[j] + exec.tfMs), or -1 when none has. Two pointers, O(n + m).
 * Gaps in either feed are fine: only times are compared, never positions.
 */
export function alignIndex(exec: Feed, htf: Feed): Int32Array {
  const n = exec.length;
  const m = htf.length;
  const out = new Int32Array(n);
  const et = exec.time;
  const ht = htf.time;
  const eMs = exec.tfMs;
  const hMs = htf.tfMs;
  let k = -1;
  for (let j = 0; j < n; j++) {
    const execClose = et[j] + eMs;
    while (k + 1 < m && ht[k + 1] + hMs <= execClose) k++;
    out[j] = k;
  }
  return out;
}

/**
 * `values` (one per htf bar) mapped onto the execution bars
 * through `index` from `alignIndex`; NaN where the index is -1.
 */
export function alignSeries(
  values: Float64Array,
  index: Int32Array,
  out: Float64Array = new Float64Array(index.length),
): Float64Array {
  const n = index.length;
  for (let j = 0; j < n; j++) {
    const k = index[j];
    out[j] = k < 0 ? NaN : values[k];
  }
  return out;
}

/**
 * alignIndex of a pair of feeds, computed once per pair: it is the same for every feature on that
 * timeframe (an L5 play has five 1h features; each rebuilt the 140k-bar index, ~0.5-1 ms). Keyed on
 * the time columns' identity: feeds are immutable, and a new view (a slice, a fresh resample) is a
 * new key. Held weakly, so it goes with the feeds.
 */
const ALIGN = new WeakMap<Float64Array, WeakMap<Float64Array, { execMs: number; htfMs: number; index: Int32Array }>>();

export function sharedAlignIndex(exec: Feed, htf: Feed): Int32Array {
  let byHtf = ALIGN.get(exec.time);
  if (byHtf === undefined) {
    byHtf = new WeakMap();
    ALIGN.set(exec.time, byHtf);
  }
  let known = byHtf.get(htf.time);
  if (
    known === undefined ||
    known.execMs !== exec.tfMs ||
    known.htfMs !== htf.tfMs ||
    known.index.length !== exec.length
  ) {
    known = { execMs: exec.tfMs, htfMs: htf.tfMs, index: alignIndex(exec, htf) };
    byHtf.set(htf.time, known);
  }
  return known.index;
}

/** Every output of a higher-timeframe feature aligned onto the execution bars (one alignIndex, many series). */
export function alignOutputs(
  outputs: readonly Float64Array[],
  exec: Feed,
  htf: Feed,
  out?: readonly Float64Array[],
): Float64Array[] {
  const index = sharedAlignIndex(exec, htf);
  return outputs.map((values, k) => alignSeries(values, index, out?.[k]));
}

/** Bars [start, end) of a feed as zero-copy views (subarrays over the same memory). */
export function sliceFeed(feed: Feed, start: number, end: number): Feed {
  const s = Math.max(0, Math.min(start, feed.length));
  const e = Math.max(s, Math.min(end, feed.length));
  return {
    tf: feed.tf,
    tfMs: feed.tfMs,
    length: e - s,
    time: feed.time.subarray(s, e),
    open: feed.open.subarray(s, e),
    high: feed.high.subarray(s, e),
    low: feed.low.subarray(s, e),
    close: feed.close.subarray(s, e),
    volume: feed.volume.subarray(s, e),
  };
}

/** Signals of bars [start, end) as zero-copy views, to simulate one range of a feed. */
export function sliceSignals(s: Signals, start: number, end: number): Signals {
  return {
    longEntry: s.longEntry.subarray(start, end),
    shortEntry: s.shortEntry.subarray(start, end),
    longExit: s.longExit?.subarray(start, end),
    shortExit: s.shortExit?.subarray(start, end),
  };
}
