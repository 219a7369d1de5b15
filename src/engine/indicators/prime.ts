import type { FeatureDef, Feed, Params } from '../types.js';

// Why the feature kernels are run on a tiny feed when their registry is imported.
//
// V8 allocates a function's type feedback lazily and compiles a hot function while its first call is still
// running. A kernel's first real call is one long loop over 10^5 bars, so V8 compiles it (normally, and on
// stack from inside the loop) before the code ahead of the loop has any feedback. On its next call the
// normal code deoptimises at its first property access ("insufficient type feedback"), and from then on every
// call starts in the interpreter and jumps into the on-stack code at the loop, where the loop's doubles
// enter as tagged values: many kernels then box a double or more per bar (a heap allocation each) for the
// life of the process, and the function never gets normal optimised code again (`node --trace-osr
// --trace-deopt`: "OSR - entry" on every call; bench/RESULTS.md has the figures). A few calls on a short
// feed first give every kernel (and the helpers it calls) complete feedback, with the same argument types as
// real feeds (Float64Arrays of doubles), so the first long call tiers up normally. The feed has no NaN gaps,
// like market data: feedback for the NaN paths made TurboFan compile them in (wma 2.0 -> 2.3 ms, hma 4.7 ->
// 5.9), and the kernels are written so that a NaN path that never ran does not box (`0 / 0`, not `NaN`, in a
// select: a `NaN` literal is a global load, and one without feedback made V8 keep the merged value tagged).
// Priming only runs kernels on its own arrays: no state is kept and no output changes.

// Past every default warm-up (vol_regime 20 + 100), so each main loop runs; ~20 ms of start-up for all.
const BARS = 130;

/** A deterministic OHLCV feed of doubles, BARS long: waves of several periods (pivots, trends, crossings). */
export function primeFeed(): Feed {
  const col = () => new Float64Array(BARS);
  const [time, open, high, low, close, volume] = [col(), col(), col(), col(), col(), col()];
  for (let i = 0; i < BARS; i++) {
    const mid = 100 + 7.3 * Math.sin(i / 9.1) + 2.9 * Math.sin(i / 2.7) + 0.013 * i;
    time[i] = 1_600_000_000_000 + i * 900_000;
    open[i] = mid - 0.37 * Math.sin(i / 1.3);
    close[i] = mid + 0.41 * Math.sin(i / 1.7);
    high[i] = Math.max(open[i], close[i]) + 0.5 + 0.3 * Math.sin(i / 3.1);
    low[i] = Math.min(open[i], close[i]) - 0.5 - 0.3 * Math.cos(i / 2.3);
    volume[i] = 1000.5 + 400.25 * Math.sin(i / 5.3);
  }
  return { tf: '15m', tfMs: 900_000, time, open, high, low, close, volume, length: BARS };
}

/** Each kernel on the priming feed, allocating and into `out`, twice each, with its default params. */
export function primeKernels(defs: readonly FeatureDef[]): void {
  const feed = primeFeed();
  for (const def of defs) {
    const params: Params = Object.fromEntries(def.params.map((p) => [p.name, p.default]));
    const out = def.outputs.map(() => new Float64Array(BARS));
    // Four calls were enough for every kernel (no allocation per bar afterwards, checked with the heap
    // sampler including young objects); each call's loops run long enough for V8 to allocate the feedback.
    for (let r = 0; r < 2; r++) {
      def.compute(feed, params);
      def.compute(feed, params, undefined, out);
    }
  }
}
