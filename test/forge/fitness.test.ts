import { describe, expect, it } from 'vitest';
import { FAILED_FITNESS, fitnessOf, resolveFitness, type FitnessMetrics } from '../../src/forge/fitness.js';

const base: FitnessMetrics = {
  sharpe: 1.2,
  sortino: 1.8,
  calmar: 0.9,
  totalReturn: 0.5,
  maxDrawdown: -0.25,
  profitFactor: 1.6,
  trades: 40,
};

describe('fitness', () => {
  it('reads the configured objective', () => {
    expect(fitnessOf(base, resolveFitness({ objective: 'sharpe' }))).toBe(1.2);
    expect(fitnessOf(base, resolveFitness({ objective: 'sortino' }))).toBe(1.8);
    expect(fitnessOf(base, resolveFitness({ objective: 'return_dd' }))).toBeCloseTo(2, 12); // 0.5 / 0.25
    expect(fitnessOf(base, resolveFitness({ objective: 'profit_factor' }))).toBe(1.6);
  });

  it('ranks every infeasible play below every feasible one, and grades infeasibility', () => {
    const spec = resolveFitness({ minTrades: 10, maxDrawdown: 0.5 });
    const awful: FitnessMetrics = { ...base, sharpe: -20, trades: 12 };
    const fewTrades = fitnessOf({ ...base, trades: 5 }, spec);
    const noTrades = fitnessOf({ ...base, trades: 0 }, spec);
    const deep = fitnessOf({ ...base, maxDrawdown: -0.7 }, spec);
    expect(fitnessOf(awful, spec)).toBeGreaterThan(fewTrades);
    expect(fewTrades).toBeGreaterThan(noTrades); // more trades is closer to feasible
    expect(fitnessOf(awful, spec)).toBeGreaterThan(deep);
    expect(noTrades).toBeGreaterThan(FAILED_FITNESS);
  });

  it('caps degenerate ratios so one lucky trade cannot dominate', () => {
    expect(fitnessOf({ ...base, profitFactor: Infinity }, resolveFitness({ objective: 'profit_factor' }))).toBe(50);
  });

  it('names the field of a bad spec', () => {
    expect(() => resolveFitness({ objective: 'sharp' as never })).toThrow(
      /fitness\.objective: unknown objective 'sharp', did you mean 'sharpe'\?/,
    );
    expect(() => resolveFitness({ maxDrawdown: 40 })).toThrow(/fitness\.max_drawdown/);
  });
});
