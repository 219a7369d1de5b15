import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../../src/forge/eval/evaluator.js';
import {
  aggregate,
  DEFAULT_CRITERIA,
  meanAnnualRate,
  performanceDrop,
  populationStd,
  verdict,
  type WindowOutcome,
} from '../../../src/forge/walkforward/aggregate.js';

// Hand-made window results, figures worked out by hand (and checked in Python's statistics module):
// the expected values below are literals, not the code's output.

const metrics = (totalReturn: number, cagr: number): MetricRecord => ({
  totalReturn,
  cagr,
  returnAnn: cagr,
  sharpe: 1,
  sortino: 1,
  calmar: 1,
  maxDrawdown: -0.1,
  winRate: 0.5,
  profitFactor: 1.2,
  trades: 10,
  exposure: 0.5,
  buyHoldReturn: 0,
  finalEquity: 10_000 * (1 + totalReturn),
  barsPerYear: 8766,
  years: 0.25,
});
const ok = (isRet: number, isCagr: number, oosRet: number, oosCagr: number): WindowOutcome => ({
  status: 'ok',
  inSample: metrics(isRet, isCagr),
  outOfSample: metrics(oosRet, oosCagr),
});
const failed: WindowOutcome = { status: 'failed', inSample: null, outOfSample: null };

describe('walk-forward aggregate', () => {
  // IS CAGR 50 %, 30 %, 100 %, 20 %; OOS CAGR 20 %, 10 %, 40 %, 0 %; OOS returns 4 %, 2 %, 6 %, 0 %.
  const windows = [
    ok(0.2, 0.5, 0.04, 0.2),
    failed,
    ok(0.1, 0.3, 0.02, 0.1),
    ok(0.4, 1.0, 0.06, 0.4),
    ok(0.08, 0.2, 0, 0),
  ];
  const a = aggregate(windows);

  it('counts completed and failed windows; failed ones enter no figure', () => {
    expect(a.windows).toBe(5);
    expect(a.okWindows).toBe(4);
    expect(a.failedWindows).toBe(1);
  });

  it("average returns are arithmetic means of the windows' total returns", () => {
    expect(a.avgInSampleReturn).toBeCloseTo((0.2 + 0.1 + 0.4 + 0.08) / 4, 12); // 0.195
    expect(a.avgOutOfSampleReturn).toBeCloseTo(0.03, 12);
  });

  it('mean CAGR is geometric: exp(mean ln(1 + cagr)) - 1', () => {
    // IS: (1.5 * 1.3 * 2.0 * 1.2)^(1/4) - 1 = 4.68^(1/4) - 1 = 0.470826559
    expect(a.avgInSampleCagr).toBeCloseTo(0.4708265585, 9);
    // OOS: (1.2 * 1.1 * 1.4 * 1.0)^(1/4) - 1 = 1.848^(1/4) - 1 = 0.165938093
    expect(a.avgOutOfSampleCagr).toBeCloseTo(0.1659380933, 9);
    expect(meanAnnualRate([0.21, 0.21])).toBeCloseTo(0.21, 12);
    expect(meanAnnualRate([-1, 0.5])).toBe(-1); // a total loss is a total loss
    expect(meanAnnualRate([])).toBeNull();
  });

  it('WFE = mean OOS CAGR / mean IS CAGR; degradation = 1 - WFE when IS is positive', () => {
    expect(a.wfe).toBeCloseTo(0.35243996, 7);
    expect(a.degradation).toBeCloseTo(0.64756004, 7);
  });

  it('consistency: CV = population std / |mean| of OOS returns, score = 100 (1 - CV)', () => {
    // mean 0.03, deviations 0.01 -0.01 0.03 -0.03, variance 0.002 / 4 = 0.0005, std 0.0223607
    expect(a.oosReturnStd).toBeCloseTo(0.0223606798, 9);
    expect(a.cv).toBeCloseTo(0.7453559925, 9);
    expect(a.consistencyScore).toBeCloseTo(25.46440075, 7);
    // The brief's example: OOS ROIs 4.2 3.9 4.5 3.8 4.3, mean 4.14, std 0.2577, CV 0.0622 (the brief rounds to 0.065).
    expect(populationStd([4.2, 3.9, 4.5, 3.8, 4.3])).toBeCloseTo(0.2576819745, 9);
    const brief = aggregate([4.2, 3.9, 4.5, 3.8, 4.3].map((r) => ok(0.1, 0.1, r / 100, 0.1)));
    expect(brief.cv).toBeCloseTo(0.0622420228, 9);
    expect(brief.consistencyScore).toBeCloseTo(93.77579772, 6);
  });

  it('share of profitable windows counts OOS returns strictly above 0', () => {
    expect(a.profitableWindows).toBe(3);
    expect(a.profitableShare).toBe(0.75);
  });

  it('a single window has no measurable consistency; no window has no figures', () => {
    const one = aggregate([ok(0.1, 0.2, 0.05, 0.3)]);
    expect(one.cv).toBeNull();
    expect(one.consistencyScore).toBeNull();
    const none = aggregate([failed, failed]);
    expect(none.okWindows).toBe(0);
    expect(none.avgOutOfSampleReturn).toBeNull();
    expect(none.wfe).toBeNull();
    expect(none.profitableShare).toBeNull();
    expect(verdict(none, DEFAULT_CRITERIA).label).toBe('no-result');
  });

  it('a losing in-sample mean has no WFE, and a zero OOS mean has consistency 0', () => {
    const neg = aggregate([ok(-0.1, -0.2, 0.05, 0.1), ok(-0.1, -0.2, -0.05, -0.1)]);
    expect(neg.wfe).toBeNull();
    expect(neg.degradation).toBeCloseTo((-0.2 - Math.expm1((Math.log(1.1) + Math.log(0.9)) / 2)) / 0.2, 12);
    expect(neg.cv).toBeNull(); // std / 0
    expect(neg.consistencyScore).toBe(0);
  });

  it('performance drop per window = (IS CAGR - OOS CAGR) / |IS CAGR|', () => {
    expect(performanceDrop(metrics(0, 0.5), metrics(0, 0.2))).toBeCloseTo(0.6, 12);
    expect(performanceDrop(metrics(0, -0.2), metrics(0, -0.3))).toBeCloseTo(0.5, 12);
    expect(performanceDrop(metrics(0, 0.2), metrics(0, 0.3))).toBeCloseTo(-0.5, 12);
    expect(performanceDrop(metrics(0, 0), metrics(0, 0.3))).toBeNull();
    expect(performanceDrop(null, metrics(0, 0.3))).toBeNull();
  });
});

describe('robustness verdict', () => {
  const a = aggregate([ok(0.2, 0.5, 0.04, 0.2), ok(0.1, 0.3, 0.02, 0.1), ok(0.4, 1.0, 0.06, 0.4), ok(0.08, 0.2, 0, 0)]);

  it("the brief's four criteria by default, each with value, threshold and pass", () => {
    const v = verdict(a, DEFAULT_CRITERIA);
    expect(v.criteria.map((c) => [c.name, c.op, c.threshold, c.pass])).toEqual([
      ['minOosReturn', '>', 0, true], // 3 % > 0
      ['maxDegradation', '<', 0.5, false], // 64.8 %
      ['minConsistency', '>', 40, false], // 25.5
      ['minProfitableShare', '>', 0.5, true], // 75 %
    ]);
    expect(v.criteria[1].value).toBeCloseTo(0.64756004, 7);
    expect(v.passed).toBe(2);
    expect(v.total).toBe(4);
    expect(v.label).toBe('not-robust');
    expect(v.robust).toBe(false);
  });

  it('one failing criterion is marginal, none is robust; null switches a criterion off; WFE is optional', () => {
    expect(verdict(a, { ...DEFAULT_CRITERIA, maxDegradation: 0.7 }).label).toBe('marginal');
    const robust = verdict(a, { ...DEFAULT_CRITERIA, maxDegradation: 0.7, minConsistency: 20 });
    expect(robust.label).toBe('robust');
    expect(robust.robust).toBe(true);
    const off = verdict(a, { ...DEFAULT_CRITERIA, maxDegradation: null, minConsistency: null });
    expect(off.total).toBe(2);
    expect(off.label).toBe('robust');
    const wfe = verdict(a, { ...DEFAULT_CRITERIA, maxDegradation: null, minConsistency: null, minWfe: 0.6 });
    expect(wfe.criteria.at(-1)).toMatchObject({ name: 'minWfe', op: '>=', threshold: 0.6, pass: false });
    expect(verdict(a, { ...DEFAULT_CRITERIA, maxDegradation: null, minConsistency: null, minWfe: 0.35 }).label).toBe(
      'robust',
    );
  });

  it('thresholds are strict where the brief is: exactly 50 % degradation or 50 % profitable fails', () => {
    const edge = {
      ...a,
      avgOutOfSampleReturn: 0,
      degradation: 0.5,
      consistencyScore: 40,
      profitableShare: 0.5,
      wfe: 0.6,
    };
    const v = verdict(edge, { ...DEFAULT_CRITERIA, minWfe: 0.6 });
    expect(v.criteria.map((c) => c.pass)).toEqual([false, false, false, false, true]); // WFE is >=, the brief's four are strict
    expect(v.label).toBe('not-robust');
  });
});
