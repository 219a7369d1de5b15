import { describe, expect, it } from 'vitest';
import {
  compileSignals,
  describePlay,
  MapFeatureCache,
  parsePlay,
  playFeatures,
  resolvePlay,
} from '../../../src/engine/play/index.js';
import type { Feed } from '../../../src/engine/types.js';

const N = NaN;

/** A 1h feed whose columns are given by hand (open = high = low = close unless given). */
function feed(close: number[], extra: Partial<Record<'open' | 'high' | 'low' | 'volume', number[]>> = {}): Feed {
  const n = close.length;
  const col = (v: number[] | undefined) => Float64Array.from(v ?? close);
  return {
    tf: '1h',
    tfMs: 3_600_000,
    time: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000),
    open: col(extra.open),
    high: col(extra.high),
    low: col(extra.low),
    close: col(close),
    volume: col(extra.volume ?? close.map(() => 1)),
    length: n,
  };
}

function longSignals(rule: string, f: Feed, top = ''): number[] {
  const play = resolvePlay(parsePlay(`market: {tf: 1h}\n${top}entry:\n  long: ${rule}\n`), []);
  return [...compileSignals(play, { '1h': f }).signals.longEntry];
}

describe('rule semantics on hand-computed arrays', () => {
  const f = feed([1, 2, 3, 2, 1, 2, 3], { open: [2, 2, 2, 2, 2, 2, 2] });

  it('comparisons against a constant and a column, every operator', () => {
    expect(longSignals("{left: close, op: '>', right: 2}", f)).toEqual([0, 0, 1, 0, 0, 0, 1]);
    expect(longSignals("{left: close, op: '>=', right: 2}", f)).toEqual([0, 1, 1, 1, 0, 1, 1]);
    expect(longSignals("{left: close, op: '<', right: open}", f)).toEqual([1, 0, 0, 0, 1, 0, 0]);
    expect(longSignals("{left: close, op: '<=', right: open}", f)).toEqual([1, 1, 0, 1, 1, 1, 0]);
    expect(longSignals("{left: close, op: '==', right: open}", f)).toEqual([0, 1, 0, 1, 0, 1, 0]);
    expect(longSignals("{left: close, op: '!=', right: open}", f)).toEqual([1, 0, 1, 0, 1, 0, 1]);
    expect(longSignals("{left: 2, op: '<', right: close}", f)).toEqual([0, 0, 1, 0, 0, 0, 1]);
  });

  it('cross_above / cross_below: a[i] > b[i] after a[j] < b[j] on the last bar j before that differs', () => {
    // close vs open (2): 1 2 3 2 1 2 3 -> above at 2 (prev equal) and 6; below at 4 (prev equal)
    expect(longSignals('{cross_above: [close, open]}', f)).toEqual([0, 0, 1, 0, 0, 0, 1]);
    expect(longSignals('{cross_below: [close, open]}', f)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(longSignals('{cross_above: [close, 2.5]}', f)).toEqual([0, 0, 1, 0, 0, 0, 1]);
    expect(longSignals('{cross_below: [2.5, close]}', f)).toEqual([0, 0, 1, 0, 0, 0, 1]);
  });

  it('crosses through ties: a run of ties is part of the crossing, a touch that returns is not', () => {
    // close vs 2, bar by bar: 3 above, 2 tie, 3 above again (a touch from above: no cross), 1 below
    // (cross below), 2 2 ties, 3 above (cross above through the ties), 1 below, 3 above, 2 tie, 1 below.
    const t = feed([3, 2, 3, 1, 2, 2, 3, 1, 3, 2, 1], { open: Array(11).fill(2) });
    const above = [0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0];
    const below = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1];
    expect(longSignals('{cross_above: [close, open]}', t)).toEqual(above);
    expect(longSignals('{cross_above: [close, 2]}', t)).toEqual(above);
    expect(longSignals('{cross_below: [2, close]}', t)).toEqual(above);
    expect(longSignals('{cross_below: [close, open]}', t)).toEqual(below);
    expect(longSignals('{cross_above: [2, close]}', t)).toEqual(below);
    // A touch from below that returns below crosses neither way.
    expect(longSignals('{cross_above: [close, 2]}', feed([1, 2, 1, 2, 2, 1]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(longSignals('{cross_below: [close, 2]}', feed([1, 2, 1, 2, 2, 1]))).toEqual([0, 0, 0, 0, 0, 0]);
    // NaN ends the history: after it, above needs a bar below first (bar 6: a touch from above at 5).
    const withNaN = feed([1, 2, N, 2, 3, 2, 3, 1, 2, 3]);
    expect(longSignals('{cross_above: [close, 2]}', withNaN)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('crossover: strict is backtesting.py crossover: a[i-1] < b[i-1] and a[i] > b[i]', () => {
    const t = feed([3, 2, 3, 1, 2, 2, 3, 1, 3, 2, 1], { open: Array(11).fill(2) });
    const strict = 'crossover: strict\n';
    expect(longSignals('{cross_above: [close, open]}', t, strict)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(longSignals('{cross_above: [close, 2]}', t, strict)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(longSignals('{cross_below: [close, open]}', t, strict)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(longSignals('{cross_above: [2, close]}', t, strict)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    const ties = 'crossover: through-ties\n';
    expect(longSignals('{cross_above: [close, open]}', t, ties)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
    const play = (crossover: string) =>
      `market: {tf: 1h}\ncrossover: ${crossover}\nentry: {long: {cross_above: [close, 2]}}\n`;
    expect(() => parsePlay(play('strikt'))).toThrow(/crossover "strikt".*did you mean 'strict'/);
    expect(() => parsePlay(play('{choice: [strict, through-ties]}'))).toThrow(/crossover cannot be a gene/);
    const strictPlay = resolvePlay(parsePlay(play('strict')), []);
    expect(describePlay(strictPlay).join('\n')).toContain('close crosses above 2 (strict)');
  });

  it('all / any / not and lists', () => {
    expect(longSignals("[{left: close, op: '>', right: 1}, {left: close, op: '<', right: 3}]", f)).toEqual([
      0, 1, 0, 1, 0, 1, 0,
    ]);
    expect(longSignals("{all: [{left: close, op: '>', right: 1}, {left: close, op: '<', right: 3}]}", f)).toEqual([
      0, 1, 0, 1, 0, 1, 0,
    ]);
    expect(longSignals("{any: [{left: close, op: '<', right: 2}, {left: close, op: '>', right: 2}]}", f)).toEqual([
      1, 0, 1, 0, 1, 0, 1,
    ]);
    expect(longSignals("{not: {left: close, op: '==', right: 2}}", f)).toEqual([1, 0, 1, 0, 1, 0, 1]);
  });

  it('NaN: comparisons and crosses involving NaN are false (not negates them)', () => {
    const g = feed([1, N, 3, 1, 3, N, 3]);
    expect(longSignals("{left: close, op: '>', right: 0}", g)).toEqual([1, 0, 1, 1, 1, 0, 1]);
    expect(longSignals("{left: close, op: '!=', right: 5}", g)).toEqual([1, 0, 1, 1, 1, 0, 1]);
    expect(longSignals('{cross_above: [close, 2]}', g)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(longSignals("{not: {left: close, op: '>', right: 0}}", g)).toEqual([0, 1, 0, 0, 0, 1, 0]);
  });

  it('inline indicators: sma(2) warm-up is NaN, so the first bar is false', () => {
    // sma(2) of 1 2 3 2 1 2 3 = NaN 1.5 2.5 2.5 1.5 1.5 2.5
    expect(longSignals("{left: close, op: '>', right: sma(2)}", f)).toEqual([0, 1, 1, 0, 0, 1, 1]);
    expect(longSignals("{left: close, op: '>', right: 'sma(period=2)'}", f)).toEqual([0, 1, 1, 0, 0, 1, 1]);
  });

  it('a feature used twice is computed once; its cache key names tf, indicator, params and source', () => {
    const play = resolvePlay(
      parsePlay(`market: {tf: 1h}
features:
  a: {indicator: sma, params: {period: 2}}
entry:
  long: {left: close, op: '>', right: a}
  short: {left: 'sma(2)', op: '>', right: close}
exit: {stop_loss: {atr: 2}}
`),
      [],
    );
    expect(playFeatures(play).map((r) => r.key)).toEqual(['1h|sma|period=2|close', '1h|atr|period=14|']);
    const cache = new MapFeatureCache();
    compileSignals(play, { '1h': f }, cache);
    expect(cache.misses).toBe(2);
    expect(cache.hits).toBe(1);
    compileSignals(play, { '1h': f }, cache);
    expect(cache.misses).toBe(2);
    expect(cache.hits).toBe(4);
  });
});
