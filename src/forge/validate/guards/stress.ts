import type { SimResult } from '../../../engine/sim/types.js';
import { breakEvenFeeBps } from '../../stats/costs.js';
import type { ValidateConfig } from '../config.js';
import { errorText, runInSample, type RangeRun } from '../backtest.js';
import { errored, finiteOrNull, judged, type GuardResult, type PlayContext } from '../types.js';

// Fee and slippage stress guard (brief 004 `_guard_stress`: base costs, then a scenario with about
// twice the costs whose Sharpe must stay > 1.0): the in-sample backtest re-run with the play's fee
// AND slippage multiplied by each of stress.multipliers; the guard reads the annualised Sharpe at
// stress.at (2x). Beside it, the break-even per-fill cost (stats/costs, fee + slippage together):
// from a cost-free re-run, gross trade return g_k and fills_k = 1 + exit_k / entry_k (the exit
// fill's notional in units of the entry's), which is the simulator's exact fee accounting.
// Data: in-sample range only.

export interface StressScenario {
  readonly multiplier: number;
  readonly feeBps: number;
  readonly slippageBps: number;
  readonly sharpe: number | null;
  readonly totalReturn: number | null;
  readonly trades: number;
}

/** Gross returns and fills per trade of a cost-free run, for breakEvenFeeBps. */
export function grossAndFills(r: SimResult): { gross: Float64Array; fills: Float64Array } {
  const t = r.trades;
  const gross = new Float64Array(t.count);
  const fills = new Float64Array(t.count);
  for (let k = 0; k < t.count; k++) {
    gross[k] = (t.direction[k] * (t.exitPrice[k] - t.entryPrice[k])) / t.entryPrice[k];
    fills[k] = 1 + t.exitPrice[k] / t.entryPrice[k];
  }
  return { gross, fills };
}

const scenario = (multiplier: number, run: RangeRun): StressScenario => ({
  multiplier,
  feeBps: run.config.feeBps,
  slippageBps: run.config.slippageBps,
  sharpe: finiteOrNull(run.metrics.sharpe),
  totalReturn: finiteOrNull(run.metrics.totalReturn),
  trades: run.result.trades.count,
});

export function stressGuard(ctx: PlayContext, cfg: ValidateConfig['stress']): GuardResult {
  const fail = (msg: string, detail = {}) =>
    errored('stress', cfg.minSharpe, '>', `annualised Sharpe at ${cfg.at}x costs`, msg, detail);
  try {
    const base = runInSample(ctx);
    const multipliers = [...new Set([1, ...cfg.multipliers])].sort((a, b) => a - b);
    const scenarios = multipliers.map((m) => scenario(m, m === 1 ? base : runInSample(ctx, { costMultiplier: m })));
    const free = runInSample(ctx, { costs: { feeBps: 0, slippageBps: 0 } });
    const { gross, fills } = grossAndFills(free.result);
    const breakEven = breakEvenFeeBps(gross, fills);
    const baseCost = base.config.feeBps + base.config.slippageBps;
    const notes: string[] = [];
    if (baseCost === 0)
      notes.push(
        'the play has no fee and no slippage: multiplying zero costs stresses nothing; give the play realistic costs',
      );
    if (free.result.trades.count !== base.result.trades.count)
      notes.push(
        `the cost-free run made ${free.result.trades.count} trades against ${base.result.trades.count} ` +
          'with costs (sizing): the break-even is from the cost-free trades',
      );
    const at = scenarios.find((s) => s.multiplier === cfg.at)!;
    const detail = {
      data: 'in-sample',
      scenarios,
      breakEvenBpsPerFill: finiteOrNull(breakEven),
      baseCostBpsPerFill: baseCost,
      edgeBufferBps: finiteOrNull(breakEven - baseCost),
      ...(notes.length ? { notes } : {}),
    };
    if (at.trades === 0) return fail(`the play makes no trades in sample at ${cfg.at}x costs`, detail);
    return judged('stress', at.sharpe ?? NaN, cfg.minSharpe, '>', `annualised Sharpe at ${cfg.at}x costs`, detail);
  } catch (err) {
    return fail(errorText(err));
  }
}
