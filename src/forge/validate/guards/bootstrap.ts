import { bootstrapSharpeCI } from '../../stats/bootstrap.js';
import type { Rng } from '../../stats/permutation.js';
import type { ValidateConfig } from '../config.js';
import { errorText, runInSample, tradeReturns } from '../backtest.js';
import { errored, finiteOrNull, judged, type GuardResult, type PlayContext } from '../types.js';

// Bootstrap guard (brief 004 `_guard_bootstrap`: resample the trades' pnl): percentile CI of the
// ANNUALISED Sharpe of the in-sample net trade returns, annualised with trades per year
// (SR_trade · sqrt(trades / years)). Passes when the lower bound exceeds the threshold (1.0).
// Data: in-sample range only. The bar-level Sharpe of the same backtest is reported beside it
// (barSharpe): both estimate the same annualised figure, the trade-level one ignoring flat time.
// iid resampling unless bootstrap.blockSize > 1 (stationary bootstrap).

export function bootstrapGuard(ctx: PlayContext, cfg: ValidateConfig['bootstrap'], rng: Rng): GuardResult {
  const fail = (msg: string, detail = {}) =>
    errored('bootstrap', cfg.minLower, '>', 'annualised Sharpe (CI lower bound)', msg, detail);
  try {
    const run = runInSample(ctx);
    const returns = tradeReturns(run.result);
    if (returns.length < 2)
      return fail(`the play makes ${returns.length} trade(s) in sample: a Sharpe interval needs at least 2`);
    const years = run.metrics.years;
    if (!(years > 0)) return fail('the in-sample range spans no time');
    const tradesPerYear = returns.length / years;
    const ci = bootstrapSharpeCI(
      returns,
      { n: cfg.n, alpha: cfg.alpha, blockSize: cfg.blockSize, periodsPerYear: tradesPerYear },
      rng,
    );
    const detail = {
      data: 'in-sample net trade returns',
      level: 1 - cfg.alpha,
      resamples: cfg.n,
      blockSize: cfg.blockSize,
      trades: returns.length,
      tradesPerYear,
      estimate: finiteOrNull(ci.estimate),
      lower: finiteOrNull(ci.lower),
      upper: finiteOrNull(ci.upper),
      barSharpe: finiteOrNull(run.metrics.sharpe),
    };
    if (Number.isNaN(ci.lower))
      return fail(`the interval is undefined: ${ci.invalidDraws} resample(s) had no Sharpe (constant returns)`, detail);
    return judged('bootstrap', ci.lower, cfg.minLower, '>', 'annualised Sharpe (CI lower bound)', detail);
  } catch (err) {
    return fail(errorText(err));
  }
}
