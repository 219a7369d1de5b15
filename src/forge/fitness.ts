import { checkLayer } from './config/issues.js';
import { camel, defined, mergeLayers, renameKeys, snake } from './config/merge.js';
import * as z from 'zod';
import { choice, int, num } from './config/schema.js';

// Fitness turns a backtest's metrics into one number the GA maximises. Constraints (too few trades,
// too deep a drawdown) are graded penalties below any feasible score, so the search can still climb
// towards feasibility instead of facing a flat wall.

export const OBJECTIVES = ['sharpe', 'sortino', 'calmar', 'return_dd', 'profit_factor', 'return'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** The metrics fitness reads (a subset of the engine's Metrics). Drawdown may be signed either way. */
export interface FitnessMetrics {
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly totalReturn: number;
  readonly maxDrawdown: number;
  readonly profitFactor: number;
  readonly trades: number;
}

export interface FitnessSpec {
  readonly objective: Objective;
  /** Fewer closed trades than this is infeasible (a strategy that barely trades proves nothing). */
  readonly minTrades: number;
  /** Deeper max drawdown than this fraction (0.5 = 50 %) is infeasible; 1 = no limit. */
  readonly maxDrawdown: number;
}

export const FITNESS_DEFAULTS: FitnessSpec = Object.freeze({ objective: 'sharpe', minTrades: 10, maxDrawdown: 0.6 });

/** A play that failed to run (threw) gets this: worse than every infeasible play. */
export const FAILED_FITNESS = -1e6;
/** Infeasible plays score in [-200, -100): below any feasible value of every objective. */
const INFEASIBLE = -100;
/**
 * Objective values are clipped to +-CAP so one degenerate backtest
 * (a single winning trade: infinite profit factor) cannot dominate.
 */
const CAP = 50;

/** The `fitness:` section as YAML spells it; every command's config embeds this one schema. */
export const FITNESS_SCHEMA = z.strictObject({
  objective: choice(OBJECTIVES, { says: (v) => `unknown objective '${v}'` }),
  min_trades: int(0, { fix: 'set min_trades to e.g. 10' }),
  max_drawdown: num({ gt: 0, max: 1, want: 'a fraction in (0, 1]', fix: 'e.g. 0.5 for 50 %; 1 disables the limit' }),
});

export function resolveFitness(partial: Partial<FitnessSpec> = {}): FitnessSpec {
  const layer = checkLayer(FITNESS_SCHEMA, renameKeys(defined(partial), snake), {
    code: 'E_FITNESS',
    under: 'fitness',
  });
  return Object.freeze(mergeLayers(FITNESS_DEFAULTS, renameKeys(layer, camel)) as FitnessSpec);
}

export function objectiveValue(m: FitnessMetrics, objective: Objective): number {
  const dd = Math.abs(m.maxDrawdown);
  switch (objective) {
    case 'sharpe':
      return m.sharpe;
    case 'sortino':
      return m.sortino;
    case 'calmar':
      return m.calmar;
    case 'return_dd':
      return dd > 0 ? m.totalReturn / dd : m.totalReturn > 0 ? CAP : 0;
    case 'profit_factor':
      return m.profitFactor;
    case 'return':
      return m.totalReturn;
  }
}

export function fitnessOf(m: FitnessMetrics, spec: FitnessSpec): number {
  if (m.trades < spec.minTrades) {
    // -200 with no trades, approaching -100 as the count nears the minimum.
    return INFEASIBLE - 100 * (1 - m.trades / spec.minTrades);
  }
  const dd = Math.abs(m.maxDrawdown);
  if (dd > spec.maxDrawdown) {
    return INFEASIBLE - 100 * Math.min(1, (dd - spec.maxDrawdown) / (1 - spec.maxDrawdown + 1e-9));
  }
  const v = objectiveValue(m, spec.objective);
  if (v !== v) return INFEASIBLE; // undefined ratio (e.g. zero volatility): feasible but uninformative
  return Math.max(-CAP, Math.min(CAP, v));
}
