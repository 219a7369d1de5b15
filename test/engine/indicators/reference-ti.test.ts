// Values of every indicator technicalindicators (npm, devDependency) also implements, compared on real
// BTC/USD 1h candles over every bar where both are defined. The library emits arrays without warm-up;
// each comparison states the bar its first value belongs to, and compareAligned() checks that the
// library's array covers exactly bars offset..n-1 (so a misaligned warm-up fails loudly).
// Seeds: technicalindicators seeds EMA, Wilder smoothing (RSI, ATR, ADX) and the MACD EMAs the same way
// as these kernels (SMA of the first `period` values, each EMA at its own start), so no convergence
// window is needed: tolerances are float-rounding tolerances from the first common bar, except where
// the library rounds its output (RSI, MFI: 2 decimals).
import fs from 'node:fs';
import path from 'node:path';
import * as ti from 'technicalindicators';
import { afterAll, describe, expect, it } from 'vitest';
import { adx } from '../../../src/engine/indicators/adx.js';
import { atr } from '../../../src/engine/indicators/atr.js';
import { bbands } from '../../../src/engine/indicators/bbands.js';
import { cci } from '../../../src/engine/indicators/cci.js';
import { ema } from '../../../src/engine/indicators/ema.js';
import { keltner } from '../../../src/engine/indicators/keltner.js';
import { macd } from '../../../src/engine/indicators/macd.js';
import { mfi } from '../../../src/engine/indicators/mfi.js';
import { obv } from '../../../src/engine/indicators/obv.js';
import { roc } from '../../../src/engine/indicators/roc.js';
import { rsi } from '../../../src/engine/indicators/rsi.js';
import { sma } from '../../../src/engine/indicators/sma.js';
import { stoch } from '../../../src/engine/indicators/stoch.js';
import { willr } from '../../../src/engine/indicators/willr.js';
import { wma } from '../../../src/engine/indicators/wma.js';
import { compareAligned, loadCsvFeed } from '../../helpers/indicator-kit.js';

const FILE = path.resolve(import.meta.dirname, '../../../../shared/data/BTCUSD_1h.csv');
const HAVE = fs.existsSync(FILE);
const EXACT = { rel: 1e-9 } as const; // same formula, different float operation order
const EXACT_0_100 = { abs: 1e-9 } as const; // bounded oscillators that cross 0: absolute on a 0..100 scale

describe.skipIf(!HAVE)(
  `reference: technicalindicators on ${HAVE ? 'BTCUSD_1h.csv' : 'BTCUSD_1h.csv (SKIPPED: /work/shared/data/BTCUSD_1h.csv not found)'}`,
  () => {
    const feed = HAVE ? loadCsvFeed(FILE) : loadEmpty();
    const { high, low, close, volume } = feed;
    const H = Array.from(high);
    const L = Array.from(low);
    const C = Array.from(close);
    const V = Array.from(volume);
    const worst: string[] = [];
    const record = (name: string, r: { compared: number; maxAbs: number; maxRel: number }): void => {
      expect(r.compared, `${name}: compared bars`).toBeGreaterThan(feed.length * 0.95);
      worst.push(
        `${name.padEnd(22)} bars ${String(r.compared).padStart(6)}  max|d| ${r.maxAbs.toExponential(2)}  max rel ${r.maxRel.toExponential(2)}`,
      );
    };
    afterAll(() => console.log(`BTCUSD_1h, ${feed.length} bars\n${worst.join('\n')}`));

    it('sma(20), ema(20), wma(20): relative 1e-9 from bar 19', () => {
      record('sma', compareAligned('sma', sma(close, 20), ti.SMA.calculate({ period: 20, values: C }), 19, EXACT));
      record('ema', compareAligned('ema', ema(close, 20), ti.EMA.calculate({ period: 20, values: C }), 19, EXACT));
      record('wma', compareAligned('wma', wma(close, 20), ti.WMA.calculate({ period: 20, values: C }), 19, EXACT));
    });

    it('rsi(14): abs 1e-9 vs the library average gain/loss; abs 0.005 vs its RSI (rounded to 2 decimals)', () => {
      const mine = rsi(close, 14);
      // The library's RSI output is toFixed(2); its unrounded averages give the exact value.
      const g = ti.AverageGain.calculate({ period: 14, values: C });
      const l = ti.AverageLoss.calculate({ period: 14, values: C });
      const exact = g.map((x, k) => (100 * x) / (x + l[k]));
      record('rsi (avg gain/loss)', compareAligned('rsi exact', mine, exact, 14, EXACT_0_100));
      record(
        'rsi (2-dec output)',
        compareAligned('rsi', mine, ti.RSI.calculate({ period: 14, values: C }), 14, { abs: 0.005 + 1e-9 }),
      );
    });

    it('macd(12, 26, 9), EMA/EMA: line abs 1e-8 from bar 25, signal and hist from bar 33', () => {
      const [line, signal, hist] = macd(close, 12, 26, 9);
      const ref = ti.MACD.calculate({
        values: C,
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      });
      // The line is a difference of two ~1e4..1e5 EMAs: absolute 1e-8 USD is ~1e-13 of the price.
      record(
        'macd.line',
        compareAligned(
          'macd.line',
          line,
          ref.map((r) => r.MACD),
          25,
          { abs: 1e-8 },
        ),
      );
      expect(ref[7].signal).toBeUndefined();
      expect(ref[8].signal).toBeDefined();
      record(
        'macd.signal',
        compareAligned(
          'macd.signal',
          signal,
          ref.map((r) => r.signal),
          25,
          { abs: 1e-8 },
        ),
      );
      record(
        'macd.hist',
        compareAligned(
          'macd.hist',
          hist,
          ref.map((r) => r.histogram),
          25,
          { abs: 1e-8 },
        ),
      );
    });

    it('bbands(20, 2), population stddev: relative 1e-9 from bar 19', () => {
      const [upper, middle, lower] = bbands(close, 20, 2);
      const ref = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: C });
      record(
        'bbands.upper',
        compareAligned(
          'bbands.upper',
          upper,
          ref.map((r) => r.upper),
          19,
          EXACT,
        ),
      );
      record(
        'bbands.middle',
        compareAligned(
          'bbands.middle',
          middle,
          ref.map((r) => r.middle),
          19,
          EXACT,
        ),
      );
      record(
        'bbands.lower',
        compareAligned(
          'bbands.lower',
          lower,
          ref.map((r) => r.lower),
          19,
          EXACT,
        ),
      );
      // The band half-width itself (the stddev) to 1e-9 relative: catches a sample-vs-population mix-up.
      const sd = ref.map((r) => (r.upper - r.middle) / 2);
      const mineSd = upper.map((u, i) => (u - middle[i]) / 2);
      record('bbands.stddev', compareAligned('bbands.sd', mineSd, sd, 19, EXACT));
    });

    it('atr(14), Wilder: relative 1e-9 from bar 14', () => {
      record(
        'atr',
        compareAligned(
          'atr',
          atr(high, low, close, 14),
          ti.ATR.calculate({ period: 14, high: H, low: L, close: C }),
          14,
          EXACT,
        ),
      );
    });

    const tiStoch = HAVE ? ti.Stochastic.calculate({ period: 14, signalPeriod: 3, high: H, low: L, close: C }) : [];

    it('stoch(14, smoothK 1, d 3): abs 1e-9 (0..100 scale); k from bar 13, d from bar 15', () => {
      const [k, d] = stoch(high, low, close, 14, 1, 3);
      const ref = tiStoch;
      record(
        'stoch.k',
        compareAligned(
          'stoch.k',
          k,
          ref.map((r) => r.k),
          13,
          EXACT_0_100,
        ),
      );
      record(
        'stoch.d',
        compareAligned(
          'stoch.d',
          d,
          ref.map((r) => r.d),
          13,
          EXACT_0_100,
        ),
      );
    });

    it('stoch(14, smoothK 3, d 3) = SMA-slowed library %K: abs 1e-9', () => {
      // Slow stochastic = the library's fast %K smoothed by its own SMA, then %D = SMA of that.
      const fastK = tiStoch.map((r) => r.k);
      const slowK = ti.SMA.calculate({ period: 3, values: fastK });
      const slowD = ti.SMA.calculate({ period: 3, values: slowK });
      const [k, d] = stoch(high, low, close, 14, 3, 3);
      record('stoch.k (slow)', compareAligned('stoch.k slow', k, slowK, 15, EXACT_0_100));
      record('stoch.d (slow)', compareAligned('stoch.d slow', d, slowD, 17, EXACT_0_100));
    });

    it('adx(14) with +DI/-DI: abs 1e-9 (0..100 scale) from bar 27 (the library emits only once ADX exists)', () => {
      const [a, p, m] = adx(high, low, close, 14);
      const ref = ti.ADX.calculate({ period: 14, high: H, low: L, close: C });
      record(
        'adx',
        compareAligned(
          'adx',
          a,
          ref.map((r) => r.adx),
          27,
          EXACT_0_100,
        ),
      );
      record(
        'adx.plus_di',
        compareAligned(
          'adx.plus_di',
          p,
          ref.map((r) => r.pdi),
          27,
          EXACT_0_100,
        ),
      );
      record(
        'adx.minus_di',
        compareAligned(
          'adx.minus_di',
          m,
          ref.map((r) => r.mdi),
          27,
          EXACT_0_100,
        ),
      );
    });

    it('keltner(20, atr 10, 2), EMA middle: relative 1e-9 from bar 19', () => {
      const [u, mid, lo] = keltner(high, low, close, 20, 10, 2);
      const ref = ti.KeltnerChannels.calculate({
        maPeriod: 20,
        atrPeriod: 10,
        multiplier: 2,
        useSMA: false,
        high: H,
        low: L,
        close: C,
      });
      record(
        'keltner.upper',
        compareAligned(
          'keltner.upper',
          u,
          ref.map((r) => r.upper),
          19,
          EXACT,
        ),
      );
      record(
        'keltner.middle',
        compareAligned(
          'keltner.middle',
          mid,
          ref.map((r) => r.middle),
          19,
          EXACT,
        ),
      );
      record(
        'keltner.lower',
        compareAligned(
          'keltner.lower',
          lo,
          ref.map((r) => r.lower),
          19,
          EXACT,
        ),
      );
    });

    it('cci(20): abs 1e-8 + relative 1e-9 from bar 19', () => {
      record(
        'cci',
        compareAligned(
          'cci',
          cci(high, low, close, 20),
          ti.CCI.calculate({ period: 20, high: H, low: L, close: C }),
          19,
          { abs: 1e-8, rel: 1e-9 },
        ),
      );
    });

    it('roc(10): abs 1e-9 (percent) from bar 10', () => {
      record(
        'roc',
        compareAligned('roc', roc(close, 10), ti.ROC.calculate({ period: 10, values: C }), 10, { abs: 1e-9 }),
      );
    });

    it('obv: exactly equal from bar 1 (the library skips bar 0, where this OBV is 0)', () => {
      const mine = obv(close, volume);
      expect(mine[0]).toBe(0);
      record('obv', compareAligned('obv', mine, ti.OBV.calculate({ close: C, volume: V }), 1, { abs: 0 }));
    });

    it('willr(14): abs 1e-9 (0..-100 scale) from bar 13', () => {
      record(
        'willr',
        compareAligned(
          'willr',
          willr(high, low, close, 14),
          ti.WilliamsR.calculate({ period: 14, high: H, low: L, close: C }),
          13,
          EXACT_0_100,
        ),
      );
    });

    it('mfi(14): abs 0.005 (library rounds to 2 decimals) from bar 15, windows with a typical-price tie excluded', () => {
      const mine = mfi(high, low, close, volume, 14);
      expect(Number.isNaN(mine[13]) && Number.isFinite(mine[14])).toBe(true); // TA-Lib lookback: first value at bar 14
      // The library counts an unchanged typical price as negative flow, TA-Lib (and this kernel) as none.
      const tie = new Uint8Array(feed.length);
      for (let i = 1; i < feed.length; i++)
        tie[i] = (high[i] + low[i] + close[i]) / 3 === (high[i - 1] + low[i - 1] + close[i - 1]) / 3 ? 1 : 0;
      const tieInWindow = (bar: number): boolean => tie.subarray(bar - 13, bar + 1).some((t) => t === 1);
      const ref = ti.MFI.calculate({ period: 14, high: H, low: L, close: C, volume: V });
      record('mfi', compareAligned('mfi', mine, ref, 15, { abs: 0.005 + 1e-9 }, tieInWindow));
    });
  },
);

function loadEmpty() {
  const e = new Float64Array(0);
  return { tf: '1h', tfMs: 3_600_000, time: e, open: e, high: e, low: e, close: e, volume: e, length: 0 };
}
