import { resolvePlay, runPlay, type PlaySpace } from '../../engine/play/index.js';
import type { Feed } from '../../engine/types.js';
import { CURVE_POINTS, downsampleIndices } from './aggregate.js';

// A hall-of-fame play's equity curve, recomputed with the engine over the run's whole window (as
// `forge backtest --run ID --rank N` does: in-sample and held-out parts in one backtest), with its
// drawdown, buy-and-hold on the same cash, and its trades, all cut down to report size.

/** At most this many trades are marked on a curve (an even stride when there are more). */
export const TRADE_MARKS = 400;

export interface CurveData {
  readonly rank: number;
  /** Epoch ms per point. */
  readonly time: number[];
  readonly equity: number[];
  /** Fraction below the running peak, <= 0. */
  readonly drawdown: number[];
  readonly buyHold: number[];
  /** [time, equity, +1 long / -1 short, 1 win / 0 loss] per entry and per exit. */
  readonly entries: [number, number, number, number][];
  readonly exits: [number, number, number, number][];
  readonly trades: number;
  readonly bars: number;
}

export function replayCurve(
  rank: number,
  space: PlaySpace,
  genome: readonly number[],
  feeds: Readonly<Record<string, Feed>>,
  cash: number,
): CurveData {
  const play = resolvePlay(space, genome);
  const run = runPlay(play, feeds, { cash });
  const eq = run.result.equity;
  const { time, close } = run.feed;
  const n = eq.length;
  const dd = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    peak = Math.max(peak, eq[i]);
    dd[i] = peak > 0 ? eq[i] / peak - 1 : 0;
  }
  const keep = [
    ...new Set([...downsampleIndices(eq, CURVE_POINTS / 2), ...downsampleIndices(dd, CURVE_POINTS / 2)]),
  ].sort((a, b) => a - b);
  const t = run.result.trades;
  const stride = Math.max(1, t.count / TRADE_MARKS);
  const entries: CurveData['entries'] = [];
  const exits: CurveData['exits'] = [];
  for (let s = 0; s < t.count && entries.length < TRADE_MARKS; s++) {
    const k = Math.floor(s * stride);
    if (k >= t.count) break;
    const win = t.pnl[k] > 0 ? 1 : 0;
    entries.push([time[t.entryBar[k]], eq[t.entryBar[k]], t.direction[k] > 0 ? 1 : -1, win]);
    exits.push([time[t.exitBar[k]], eq[t.exitBar[k]], t.direction[k] > 0 ? 1 : -1, win]);
  }
  return {
    rank,
    time: keep.map((i) => time[i]),
    equity: keep.map((i) => eq[i]),
    drawdown: keep.map((i) => dd[i]),
    buyHold: keep.map((i) => (cash * close[i]) / close[0]),
    entries,
    exits,
    trades: t.count,
    bars: n,
  };
}
