import type { Feed } from '../../../engine/types.js';
import type { TradeList } from '../../../engine/sim/types.js';
import { timingPermutationTest, type Rng } from '../../stats/permutation.js';
import type { ValidateConfig } from '../config.js';
import { errorText, runInSample } from '../backtest.js';
import { errored, judged, type GuardResult, type PlayContext } from '../types.js';

// Monte Carlo permutation guard, null of NO TIMING SKILL (stats/permutation.ts): the play's
// exposure is held fixed and the market's bar returns are shuffled under it, n times. Data: the
// run's in-sample range only. Statistic: mean gross return per bar (costs are the stress guard's).
//
// Exposure is reconstructed from the trades on open-to-open returns: a trade fills at the open of
// entryBar and (for signal, time and opposite exits) leaves at the open of exitBar, so it holds
// exactly the returns open[t] -> open[t+1] for entryBar <= t < exitBar. Stop and target exits fill
// inside their bar; the bar they leave in is still counted whole (a small approximation). Exposure
// is the trade's direction (+1 / -1): the size only scales the statistic, not the p-value.

export interface TimingInputs {
  readonly positions: Float64Array;
  readonly barReturns: Float64Array;
  readonly exposedBars: number;
}

/** Positions and open-to-open returns for bars 0 .. n-2 of `feed` from its trade list. */
export function timingInputs(feed: Feed, trades: TradeList): TimingInputs {
  const n = feed.length - 1;
  const positions = new Float64Array(Math.max(0, n));
  const barReturns = new Float64Array(Math.max(0, n));
  for (let t = 0; t < n; t++) barReturns[t] = feed.open[t + 1] / feed.open[t] - 1;
  let exposedBars = 0;
  for (let k = 0; k < trades.count; k++) {
    const end = Math.min(trades.exitBar[k], n);
    for (let t = trades.entryBar[k]; t < end; t++) {
      positions[t] = trades.direction[k];
      exposedBars++;
    }
  }
  return { positions, barReturns, exposedBars };
}

export function permutationGuard(ctx: PlayContext, cfg: ValidateConfig['permutation'], rng: Rng): GuardResult {
  const fail = (msg: string, detail = {}) => errored('permutation', cfg.maxP, '<', 'p-value', msg, detail);
  try {
    const run = runInSample(ctx);
    if (run.result.trades.count === 0) return fail('the play makes no trades in sample: there is no timing to test');
    const inputs = timingInputs(run.feed, run.result.trades);
    const test = timingPermutationTest(inputs.positions, inputs.barReturns, { n: cfg.n, statistic: 'mean' }, rng);
    const detail = {
      data: 'in-sample',
      null: 'no timing skill: bar returns shuffled under the fixed exposure',
      statistic: 'mean gross return per bar (open to open)',
      observed: test.observed,
      permutations: cfg.n,
      bars: inputs.barReturns.length,
      exposedBars: inputs.exposedBars,
      trades: run.result.trades.count,
    };
    if (Number.isNaN(test.pValue))
      return fail('the permutation p-value could not be computed (NaN prices in the range?)', detail);
    return judged('permutation', test.pValue, cfg.maxP, '<', 'p-value', detail);
  } catch (err) {
    return fail(errorText(err));
  }
}
