import { describe, expect, it } from 'vitest';
import {
  annualiseSharpe,
  deannualiseSharpe,
  loSharpeStdError,
  moments,
  probabilisticSharpe,
  sharpeRatio,
  sharpeStdError,
} from '../../../src/forge/stats/sharpe.js';

// x and its reference moments: numpy 2 / scipy 1.17.1
//   x.mean() = 0.002833333333333333, x.std(ddof=1) = 0.01720949350407114,
//   scipy.stats.skew(x) = 0.27550960244084743, scipy.stats.kurtosis(x, fisher=False) = 2.3155631784741497,
//   x.mean()/x.std(ddof=1) = 0.16463781067485048
const x = [0.01, -0.02, 0.03, 0.005, -0.01, 0.002];

describe('moments and Sharpe', () => {
  it('match numpy/scipy on a small series', () => {
    const m = moments(x);
    expect(m.n).toBe(6);
    expect(m.mean).toBeCloseTo(0.002833333333333333, 15);
    expect(m.sd).toBeCloseTo(0.01720949350407114, 15);
    expect(m.skew).toBeCloseTo(0.27550960244084743, 12);
    expect(m.kurt).toBeCloseTo(2.3155631784741497, 12);
    expect(sharpeRatio(Float64Array.from(x))).toBeCloseTo(0.16463781067485048, 12);
  });
  it('is NaN-honest with too few observations, NaN values or a constant zero series', () => {
    expect(sharpeRatio([0.01])).toBeNaN();
    expect(sharpeRatio([0.01, NaN, 0.02])).toBeNaN();
    expect(sharpeRatio([0, 0, 0])).toBeNaN();
    expect(moments([0.01, 0.02]).skew).toBeNaN();
    expect(moments([0.01, 0.01, 0.01]).kurt).toBeNaN();
  });
  it('annualises with sqrt(periods) and back', () => {
    expect(annualiseSharpe(0.1, 252)).toBeCloseTo(0.1 * Math.sqrt(252), 14);
    expect(deannualiseSharpe(annualiseSharpe(0.07, 8760), 8760)).toBeCloseTo(0.07, 15);
  });
});

describe('Sharpe standard error and PSR', () => {
  it('reduces to Lo (2002) for normal moments', () => {
    // Lo 2002, iid normal: SE = sqrt((1 + SR²/2)/T); the Mertens form uses T - 1.
    expect(sharpeStdError(0.2, 101)).toBeCloseTo(Math.sqrt((1 + 0.02) / 100), 15);
    expect(loSharpeStdError(0.2, 100)).toBeCloseTo(Math.sqrt(1.02 / 100), 15);
  });
  it('PSR(0) for SR = 0.1, T = 252, normal returns', () => {
    // scipy: norm.cdf(0.1*sqrt(251)/sqrt(1+0.1**2/2)) = 0.9429868610243624
    expect(probabilisticSharpe(0.1, 0, 252)).toBeCloseTo(0.9429868610243624, 12);
  });
  it('negative skew and fat tails lower the PSR of a positive Sharpe', () => {
    const normal = probabilisticSharpe(0.1, 0, 252);
    expect(probabilisticSharpe(0.1, 0, 252, -2, 9)).toBeLessThan(normal);
  });
  it('is NaN when T < 2 or the moments leave no valid variance', () => {
    expect(probabilisticSharpe(0.1, 0, 1)).toBeNaN();
    // 1 - γ3·SR + (γ4-1)/4·SR² = 1 - 10·0.5 + 0 < 0 with kurt = 1
    expect(probabilisticSharpe(0.5, 0, 100, 10, 1)).toBeNaN();
  });
});
