import { sliceFeed } from '../../engine/feeds.js';
import { drawdownStats } from '../../engine/metrics/drawdown.js';
import { compileSignals, resolvePlay, simConfigOf, type PlaySpace } from '../../engine/play/index.js';
import { shiftMasks } from '../../engine/sim/bits.js';
import { simulate } from '../../engine/sim/simulate.js';
import type { Feed } from '../../engine/types.js';
import { barAt } from '../eval/ranges.js';
import type { Range } from './windows.js';

// The stitched out-of-sample equity curve: each window's winner run on its test range only, exactly as
// the evaluator ran it (signals over all the data, so indicators are warm at the test range's first
// bar and see nothing after bar i; the simulation covers the test range alone), then chained: window
// k's curve is scaled so that it starts where window k-1's ended. A failed window holds cash (flat)
// over its test range. The first point is the starting cash: no position is open before the first
// bar's close, since a signal acts at the next bar's open.

export interface StitchInput {
  readonly index: number;
  readonly test: Range;
  /** The winner's genome, or null for a failed window (flat). */
  readonly genome: readonly number[] | null;
}

export interface StitchedCurve {
  readonly time: Float64Array;
  readonly window: Int32Array;
  readonly equity: Float64Array;
}

export interface StitchedSummary {
  readonly startEquity: number;
  readonly finalEquity: number;
  readonly totalReturn: number;
  /** Over the calendar time from the first to the last bar of the curve. */
  readonly cagr: number | null;
  readonly maxDrawdown: number | null;
  readonly bars: number;
}

/** One window's test-range equity on `cash` (unscaled). */
export function testEquity(
  space: PlaySpace,
  genome: readonly number[],
  feeds: Readonly<Record<string, Feed>>,
  cash: number,
  test: Range,
): { time: Float64Array; equity: Float64Array } {
  const play = resolvePlay(space, genome);
  const { feed, masks, atr } = compileSignals(play, feeds);
  const start = barAt(feed.time, test[0]);
  const end = barAt(feed.time, test[1]);
  const f = sliceFeed(feed, start, end);
  const result = simulate(f, shiftMasks(masks, start), simConfigOf(play, cash), atr?.subarray(start, end));
  return { time: f.time, equity: result.equity };
}

export function stitchEquity(
  windows: readonly StitchInput[],
  space: PlaySpace,
  feeds: Readonly<Record<string, Feed>>,
  execFeed: Feed,
  cash: number,
): StitchedCurve {
  const parts: { time: Float64Array; equity: Float64Array; window: number }[] = [];
  let level = cash;
  for (const w of [...windows].sort((a, b) => a.index - b.index)) {
    let time: Float64Array;
    let equity: Float64Array;
    if (w.genome === null) {
      time = execFeed.time.subarray(barAt(execFeed.time, w.test[0]), barAt(execFeed.time, w.test[1]));
      equity = new Float64Array(time.length).fill(level);
    } else {
      const run = testEquity(space, w.genome, feeds, cash, w.test);
      time = run.time;
      const scale = level / cash;
      equity = run.equity.map((e) => e * scale);
    }
    if (equity.length > 0) level = equity[equity.length - 1];
    parts.push({ time, equity, window: w.index });
  }
  const n = parts.reduce((s, p) => s + p.time.length, 0);
  const out: StitchedCurve = { time: new Float64Array(n), window: new Int32Array(n), equity: new Float64Array(n) };
  let k = 0;
  for (const p of parts) {
    out.time.set(p.time, k);
    out.equity.set(p.equity, k);
    out.window.fill(p.window, k, k + p.time.length);
    k += p.time.length;
  }
  return out;
}

export function summarise(curve: StitchedCurve, cash: number): StitchedSummary {
  const n = curve.equity.length;
  const finalEquity = n > 0 ? curve.equity[n - 1] : cash;
  const years = n > 1 ? (curve.time[n - 1] - curve.time[0]) / (365.25 * 86_400_000) : 0;
  const cagr = years > 0 && finalEquity > 0 ? (finalEquity / cash) ** (1 / years) - 1 : null;
  return {
    startEquity: cash,
    finalEquity,
    totalReturn: finalEquity / cash - 1,
    cagr,
    maxDrawdown: n > 0 ? drawdownStats(curve.equity, curve.time).maxDrawdown : null,
    bars: n,
  };
}

/** CSV: time (ISO, bar open), time_ms, window, equity (at the bar's close). */
export function equityCsv(curve: StitchedCurve): string {
  const lines = ['time,time_ms,window,equity'];
  for (let i = 0; i < curve.time.length; i++) {
    lines.push(`${new Date(curve.time[i]).toISOString()},${curve.time[i]},${curve.window[i]},${curve.equity[i]}`);
  }
  return lines.join('\n') + '\n';
}
