import { sliceFeed } from '../../engine/feeds.js';
import { shiftMasks } from '../../engine/sim/bits.js';
import { computeMetrics, type Metrics } from '../../engine/metrics/metrics.js';
import { compileSignals, playWarmup, resolvePlay, simConfigOf, type Play } from '../../engine/play/index.js';
import { simulate } from '../../engine/sim/simulate.js';
import type { SimConfig, SimResult } from '../../engine/sim/types.js';
import type { Feed } from '../../engine/types.js';
import { barAt } from '../eval/ranges.js';
import type { PlayContext } from './types.js';

// The guards' backtest: exactly what the evolve evaluator does for the in-sample part (signals over
// the whole window so indicators are warm, then simulate the slice), with the trades and equity
// kept, and optionally with the play's costs scaled (the stress guard) or another genome (sensitivity).

export interface RangeRun {
  readonly play: Play;
  /** The in-sample slice of the execution feed. */
  readonly feed: Feed;
  readonly result: SimResult;
  readonly metrics: Metrics;
  readonly config: SimConfig;
}

export interface RunOverrides {
  readonly genome?: readonly number[];
  /** Multiplies the play's fee and slippage (1 = as written). */
  readonly costMultiplier?: number;
  /** Replaces the play's fee and slippage outright (bps). */
  readonly costs?: { readonly feeBps: number; readonly slippageBps: number };
}

/**
 * Runs the play on the context's in-sample range. Throws (a guard turns that into its error) when the
 * play cannot run.
 */
export function runInSample(ctx: PlayContext, o: RunOverrides = {}): RangeRun {
  const play = resolvePlay(ctx.space, o.genome ?? ctx.genome);
  const { feed, masks, atr } = compileSignals(play, ctx.feeds, ctx.cache);
  const base = simConfigOf(play, ctx.cash);
  const m = o.costMultiplier ?? 1;
  const config: SimConfig = o.costs
    ? { ...base, ...o.costs }
    : { ...base, feeBps: base.feeBps * m, slippageBps: base.slippageBps * m };
  const start = barAt(feed.time, ctx.inSample[0]);
  const end = barAt(feed.time, ctx.inSample[1]);
  if (end - start < 2) throw new Error(`the in-sample range holds fewer than 2 ${feed.tf} bars`);
  const f = sliceFeed(feed, start, end);
  const result = simulate(f, shiftMasks(masks, start), config, atr?.subarray(start, end));
  const warmup = playWarmup(play);
  const metrics = computeMetrics(f, result, config, { firstBar: Math.min(Math.max(0, warmup - start), f.length - 1) });
  return { play, feed: f, result, metrics, config };
}

/** Net per-trade returns (fractions of entry notional) of a run. */
export function tradeReturns(r: SimResult): Float64Array {
  return r.trades.returnPct.slice(0, r.trades.count);
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
