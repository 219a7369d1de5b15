// Indicators technicalindicators lacks (dema, tema, hma, supertrend, donchian, rolling vwap), checked on
// real BTC/USD 1h candles against independent references: compositions of the library's verified
// EMA/WMA/ATR, or naive O(n * k) window scans written here from the textbook definition. Never against
// this engine's own kernels. MFI also gets an exact (unrounded) naive check here, since the library
// rounds its MFI to 2 decimals.
import fs from 'node:fs';
import path from 'node:path';
import * as ti from 'technicalindicators';
import { afterAll, describe, expect, it } from 'vitest';
import { dema } from '../../../src/engine/indicators/dema.js';
import { donchian } from '../../../src/engine/indicators/donchian.js';
import { hma } from '../../../src/engine/indicators/hma.js';
import { mfi } from '../../../src/engine/indicators/mfi.js';
import { supertrend } from '../../../src/engine/indicators/supertrend.js';
import { tema } from '../../../src/engine/indicators/tema.js';
import { vwap } from '../../../src/engine/indicators/vwap.js';
import { compareAligned, loadCsvFeed } from '../../helpers/indicator-kit.js';

const FILE = path.resolve(import.meta.dirname, '../../../../shared/data/BTCUSD_1h.csv');
const HAVE = fs.existsSync(FILE);
const EXACT = { rel: 1e-9 } as const;

describe.skipIf(!HAVE)(
  `reference (composed / naive) on ${HAVE ? 'BTCUSD_1h.csv' : 'BTCUSD_1h.csv (SKIPPED: /work/shared/data/BTCUSD_1h.csv not found)'}`,
  () => {
    const feed = loadCsvFeed(HAVE ? FILE : '/dev/null');
    const { high, low, close, volume } = feed;
    const n = feed.length;
    const C = Array.from(close);
    const tiEma = (values: number[], period: number): number[] => ti.EMA.calculate({ period, values });
    const tiWma = (values: number[], period: number): number[] => ti.WMA.calculate({ period, values });
    const worst: string[] = [];
    const record = (name: string, r: { compared: number; maxAbs: number; maxRel: number }): void => {
      expect(r.compared, `${name}: compared bars`).toBeGreaterThan(n * 0.95);
      worst.push(
        `${name.padEnd(22)} bars ${String(r.compared).padStart(6)}  max|d| ${r.maxAbs.toExponential(2)}  max rel ${r.maxRel.toExponential(2)}`,
      );
    };
    afterAll(() => console.log(`BTCUSD_1h, ${n} bars\n${worst.join('\n')}`));

    it('dema(20) = 2 * EMA - EMA(EMA) from the library EMA: relative 1e-9 from bar 38', () => {
      const e1 = tiEma(C, 20); // bar 19..
      const e2 = tiEma(e1, 20); // bar 38..
      const ref = e2.map((v, k) => 2 * e1[k + 19] - v);
      record('dema', compareAligned('dema', dema(close, 20), ref, 38, EXACT));
    });

    it('tema(20) = 3 E1 - 3 E2 + E3 from the library EMA: relative 1e-9 from bar 57', () => {
      const e1 = tiEma(C, 20);
      const e2 = tiEma(e1, 20);
      const e3 = tiEma(e2, 20); // bar 57..
      const ref = e3.map((v, k) => 3 * e1[k + 38] - 3 * e2[k + 19] + v);
      record('tema', compareAligned('tema', tema(close, 20), ref, 57, EXACT));
    });

    it('hma(20) = WMA(2 WMA(10) - WMA(20), 4) from the library WMA: relative 1e-9 from bar 22', () => {
      const half = tiWma(C, 10); // bar 9..
      const full = tiWma(C, 20); // bar 19..
      const diff = full.map((f, k) => 2 * half[k + 10] - f);
      record('hma', compareAligned('hma', hma(close, 20), tiWma(diff, 4), 22, EXACT));
      // odd period: floor(21 / 2) = 10, floor(sqrt(21)) = 4
      const full21 = tiWma(C, 21);
      const diff21 = full21.map((f, k) => 2 * half[k + 11] - f);
      record('hma(21)', compareAligned('hma21', hma(close, 21), tiWma(diff21, 4), 23, EXACT));
    });

    it('supertrend(10, 3) = TradingView pine transcription over the library ATR: value rel 1e-9, direction exact', () => {
      const a = ti.ATR.calculate({ period: 10, high: Array.from(high), low: Array.from(low), close: C }); // bar 10..
      // pine_supertrend from the TradingView manual, bar by bar, signs flipped to +1 = up.
      const refValue: number[] = [];
      const refDir: number[] = [];
      let prevUpper = 0;
      let prevLower = 0;
      let prevSt = NaN;
      for (let k = 0; k < a.length; k++) {
        const i = k + 10;
        const src = (high[i] + low[i]) / 2;
        let upperBand = src + 3 * a[k];
        let lowerBand = src - 3 * a[k];
        const pLower = k === 0 ? 0 : prevLower; // nz(lowerBand[1])
        const pUpper = k === 0 ? 0 : prevUpper;
        lowerBand = lowerBand > pLower || close[i - 1] < pLower ? lowerBand : pLower;
        upperBand = upperBand < pUpper || close[i - 1] > pUpper ? upperBand : pUpper;
        let tvDir: number;
        if (k === 0)
          tvDir = 1; // na(atr[1])
        else if (prevSt === pUpper) tvDir = close[i] > upperBand ? -1 : 1;
        else tvDir = close[i] < lowerBand ? 1 : -1;
        const st = tvDir === -1 ? lowerBand : upperBand;
        refValue.push(st);
        refDir.push(-tvDir);
        prevSt = st;
        prevUpper = upperBand;
        prevLower = lowerBand;
      }
      const [value, direction] = supertrend(high, low, close, 10, 3);
      record('supertrend.value', compareAligned('supertrend.value', value, refValue, 10, EXACT));
      record('supertrend.direction', compareAligned('supertrend.direction', direction, refDir, 10, { abs: 0 }));
      const flips = refDir.filter((d, k) => k > 0 && d !== refDir[k - 1]).length;
      expect(
        flips,
        'the trend flips often enough on 4 years of BTC for the comparison to mean something',
      ).toBeGreaterThan(200);
    });

    it('donchian(20) = naive window max/min: exactly equal from bar 19', () => {
      const [upper, middle, lower] = donchian(high, low, 20);
      const u: number[] = [];
      const l: number[] = [];
      for (let i = 19; i < n; i++) {
        let hi = -Infinity;
        let lo = Infinity;
        for (let j = i - 19; j <= i; j++) {
          hi = Math.max(hi, high[j]);
          lo = Math.min(lo, low[j]);
        }
        u.push(hi);
        l.push(lo);
      }
      record('donchian.upper', compareAligned('donchian.upper', upper, u, 19, { abs: 0 }));
      record('donchian.lower', compareAligned('donchian.lower', lower, l, 19, { abs: 0 }));
      record(
        'donchian.middle',
        compareAligned(
          'donchian.middle',
          middle,
          u.map((x, k) => (x + l[k]) / 2),
          19,
          { abs: 0 },
        ),
      );
    });

    it('vwap(window 24) = naive window sum(tp * v) / sum(v): relative 1e-9 from bar 23', () => {
      const ref: number[] = [];
      for (let i = 23; i < n; i++) {
        let pv = 0;
        let v = 0;
        for (let j = i - 23; j <= i; j++) {
          pv += ((high[j] + low[j] + close[j]) / 3) * volume[j];
          v += volume[j];
        }
        ref.push(pv / v);
      }
      record('vwap', compareAligned('vwap', vwap(high, low, close, volume, 24), ref, 23, EXACT));
    });

    it('vwap(window w) at bar w - 1 equals the library cumulative VWAP at that bar', () => {
      const m = 600;
      const cum = ti.VWAP.calculate({
        high: Array.from(high.subarray(0, m)),
        low: Array.from(low.subarray(0, m)),
        close: C.slice(0, m),
        volume: Array.from(volume.subarray(0, m)),
      });
      for (const w of [1, 2, 50, 499, 600]) {
        const mine = vwap(high.subarray(0, m), low.subarray(0, m), close.subarray(0, m), volume.subarray(0, m), w);
        expect(Math.abs(mine[w - 1] - cum[w - 1]) / cum[w - 1], `window ${w}`).toBeLessThan(1e-9);
      }
    });

    it('mfi(14) = naive window flows (TA-Lib convention, unrounded): relative 1e-9 from bar 14', () => {
      const tp = (i: number): number => (high[i] + low[i] + close[i]) / 3;
      const ref: number[] = [];
      for (let i = 14; i < n; i++) {
        let pos = 0;
        let neg = 0;
        for (let j = i - 13; j <= i; j++) {
          if (tp(j) > tp(j - 1)) pos += tp(j) * volume[j];
          else if (tp(j) < tp(j - 1)) neg += tp(j) * volume[j];
        }
        ref.push((100 * pos) / (pos + neg));
      }
      record('mfi (naive)', compareAligned('mfi', mfi(high, low, close, volume, 14), ref, 14, EXACT));
    });
  },
);
