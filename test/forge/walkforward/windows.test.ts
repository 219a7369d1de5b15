import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { generateWindows, parseSpan, type WindowSpec } from '../../../src/forge/walkforward/windows.js';

// Window boundaries hand-computed from the definitions: rolling windows slide the training range by
// the step, anchored ones keep its start; the last window's test range must end within the data.

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2024, 0, 1);
const hourly = (n: number, from = T0) => Float64Array.from({ length: n }, (_, i) => from + i * H);
const spec = (mode: WindowSpec['mode'], train: string, test: string, step = test): WindowSpec => ({
  mode,
  train: parseSpan(train, 'train'),
  test: parseSpan(test, 'test'),
  step: parseSpan(step, 'step'),
});

describe('parseSpan', () => {
  it('reads days, hours, weeks and bars', () => {
    expect(parseSpan('180d', 'train')).toEqual({ unit: 'ms', value: 180 * D, text: '180d' });
    expect(parseSpan('36h', 'test').value).toBe(36 * H);
    expect(parseSpan('2w', 'step').value).toBe(14 * D);
    expect(parseSpan('1.5d', 'step').value).toBe(36 * H);
    expect(parseSpan('4000bars', 'train')).toEqual({ unit: 'bars', value: 4000, text: '4000bars' });
    expect(parseSpan('4000 bars', 'train').value).toBe(4000);
    expect(parseSpan('250b', 'train').value).toBe(250);
  });

  it('refuses lengths without a unit, of zero, or with an unknown unit, naming the flag', () => {
    for (const [v, flag, msg] of [
      ['30', 'test', /test: '30' has no unit/],
      ['0d', 'train', /train: '0d' must be longer than 0/],
      ['0bars', 'step', /step: '0bars' must be more than 0 bars/],
      ['30m', 'test', /test: '30m' is not a length/],
    ] as const) {
      try {
        parseSpan(v, flag);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ForgeError);
        expect((err as ForgeError).message).toMatch(msg);
        expect((err as ForgeError).fix).toMatch(new RegExp(`--${flag}`));
      }
    }
  });
});

describe('generateWindows', () => {
  const time = hourly(240); // 10 days of 1h bars: the data ends at T0 + 10d

  it('rolling by days: train slides by the step, test follows it', () => {
    const w = generateWindows(spec('rolling', '3d', '2d'), time, H);
    // testTo = 5d + 2d k <= 10d  =>  k = 0, 1, 2
    expect(w.map((x) => [x.train.map((t) => (t - T0) / D), x.test.map((t) => (t - T0) / D)])).toEqual([
      [
        [0, 3],
        [3, 5],
      ],
      [
        [2, 5],
        [5, 7],
      ],
      [
        [4, 7],
        [7, 9],
      ],
    ]);
    expect(w.map((x) => x.index)).toEqual([0, 1, 2]);
  });

  it('anchored by days: train always starts at the first bar and grows by the step', () => {
    const w = generateWindows(spec('anchored', '3d', '2d'), time, H);
    expect(w.map((x) => [x.train.map((t) => (t - T0) / D), x.test.map((t) => (t - T0) / D)])).toEqual([
      [
        [0, 3],
        [3, 5],
      ],
      [
        [0, 5],
        [5, 7],
      ],
      [
        [0, 7],
        [7, 9],
      ],
    ]);
  });

  it('a step longer than the test leaves gaps between test ranges', () => {
    const w = generateWindows(spec('rolling', '2d', '1d', '3d'), time, H);
    // testTo = 3d + 3d k <= 10d  =>  k = 0, 1, 2
    expect(w.map((x) => x.test.map((t) => (t - T0) / D))).toEqual([
      [2, 3],
      [5, 6],
      [8, 9],
    ]);
  });

  it('a test range may end exactly at the end of the data', () => {
    const w = generateWindows(spec('rolling', '6d', '2d'), time, H);
    expect(w.map((x) => x.test.map((t) => (t - T0) / D))).toEqual([
      [6, 8],
      [8, 10],
    ]);
  });

  it('rolling by bars: boundaries are bar open times, the end is one bar after the last', () => {
    const t = hourly(100);
    const w = generateWindows(spec('rolling', '40bars', '20bars'), t, H);
    // 40 + 20 + 20k <= 100  =>  k = 0, 1, 2
    expect(w.map((x) => [x.train.map((v) => (v - T0) / H), x.test.map((v) => (v - T0) / H)])).toEqual([
      [
        [0, 40],
        [40, 60],
      ],
      [
        [20, 60],
        [60, 80],
      ],
      [
        [40, 80],
        [80, 100],
      ],
    ]);
    const a = generateWindows(spec('anchored', '40bars', '20bars'), t, H);
    expect(a.map((x) => x.train.map((v) => (v - T0) / H))).toEqual([
      [0, 40],
      [0, 60],
      [0, 80],
    ]);
  });

  it('bars count bars across a gap in the data; days count calendar time', () => {
    // 60 bars, then a 24-hour gap, then 60 more bars.
    const t = Float64Array.from({ length: 120 }, (_, i) => T0 + (i < 60 ? i : i + 24) * H);
    const bars = generateWindows(spec('rolling', '50bars', '20bars'), t, H);
    expect(bars[0].train).toEqual([T0, T0 + 50 * H]);
    expect(bars[0].test).toEqual([T0 + 50 * H, T0 + 94 * H]); // bar 70 opens at hour 94
    expect(bars.length).toBe(3); // 50 + 20 + 20k <= 120  =>  k = 0, 1, 2
    const hours = generateWindows(spec('rolling', '50h', '20h'), t, H);
    expect(hours[0].test).toEqual([T0 + 50 * H, T0 + 70 * H]); // in the gap's calendar time
    expect(hours.length).toBe(4); // the data ends at hour 144 (last open 143 + 1h): 70 + 20k <= 144  =>  k = 0..3
  });

  it('refuses mixed units, overlapping test ranges and data too short for one window', () => {
    expect(() => generateWindows(spec('rolling', '100bars', '2d'), time, H)).toThrow(/mix bars and durations/);
    expect(() => generateWindows(spec('rolling', '3d', '2d', '1d'), time, H)).toThrow(
      /step 1d is shorter than test 2d/,
    );
    try {
      generateWindows(spec('rolling', '9d', '2d'), time, H);
      expect.unreachable();
    } catch (err) {
      expect((err as ForgeError).message).toMatch(
        /no walk-forward window fits: the data holds 10\.0 days, train 9d \+ test 2d need more/,
      );
      expect((err as ForgeError).fix).toMatch(/--train or --test/);
    }
  });
});
