import { describe, expect, it } from 'vitest';
import { alignIndex, alignSeries, resampleFeed } from '../../src/engine/feeds.js';
import { INDICATORS } from '../../src/engine/indicators/index.js';
import { STRUCTURES } from '../../src/engine/structures/index.js';
import type { FeatureDef, Feed, Params } from '../../src/engine/types.js';
import { assertNoLookahead } from '../helpers/lookahead.js';
import { randomFeed } from '../helpers/random-feed.js';

// Every registered feature, iterated dynamically so indicators and structures added later are covered.
const FEATURES: [string, FeatureDef][] = [...Object.entries(INDICATORS), ...Object.entries(STRUCTURES)];
const defaults = (def: FeatureDef): Params => Object.fromEntries(def.params.map((p) => [p.name, p.default]));

/** Every `step`-th bar (a lookahead that only bites when the data happens to line up, like a pivot read a bar early, needs many tries). */
const everyNth = (length: number, step: number): number[] =>
  Array.from({ length: Math.ceil((length - 1) / step) }, (_, k) => k * step);

const H = 3_600_000;

describe('no lookahead', () => {
  const feed = randomFeed(480, 'lookahead');

  it('covers at least the 21 indicators and 4 structures', () => {
    expect(Object.keys(INDICATORS).length).toBeGreaterThanOrEqual(21);
    expect(Object.keys(STRUCTURES).sort()).toEqual(['market_structure', 'swing', 'vol_regime', 'zones']);
  });

  it.each(FEATURES)('%s (default params) never changes at bar i when only bars after i change', (name, def) => {
    const params = defaults(def);
    assertNoLookahead((f) => def.compute(f, params), feed, everyNth(feed.length, 2), name);
  });

  it.each(FEATURES.filter(([, def]) => def.defaultSource !== undefined))(
    '%s on source hlc3 has no lookahead either',
    (name, def) => {
      const params = defaults(def);
      assertNoLookahead((f) => def.compute(f, params, 'hlc3'), feed, everyNth(feed.length, 5), name);
    },
  );

  it.each(FEATURES)('%s on a 4h feed resampled from 1h and aligned back has no lookahead', (name, def) => {
    const exec = randomFeed(1600, 'mtf', '1h', H, Date.UTC(2023, 5, 1));
    const params = defaults(def);
    const compute = (f: Feed): Float64Array[] => {
      const htf = resampleFeed(f, '4h');
      const index = alignIndex(f, htf);
      return def.compute(htf, params).map((v) => alignSeries(v, index));
    };
    // Bar 1000 is 16:00, the first hour of a 4h bucket; 1003 (19:00) closes it, 1004 starts the next.
    assertNoLookahead(compute, exec, [...everyNth(exec.length, 13), 1000, 1002, 1003, 1004], name);
  });
});

describe('the harness itself', () => {
  const feed = randomFeed(200, 'harness');

  it('catches an output that reads the next bar', () => {
    const peek = (f: Feed) => [Float64Array.from(f.close, (_, i) => f.close[Math.min(i + 1, f.length - 1)])];
    expect(() => assertNoLookahead(peek, feed, [50], 'peek')).toThrow(/output 0 at bar 50 changed/);
  });

  it('catches a pivot used before its confirmation bar', () => {
    // Marks a 2-bar pivot at its own bar instead of 2 bars later.
    const early = (f: Feed) => [
      Float64Array.from(f.high, (h, i) =>
        i >= 2 && i + 2 < f.length && h > f.high[i - 1] && h > f.high[i - 2] && h >= f.high[i + 1] && h >= f.high[i + 2]
          ? 1
          : 0,
      ),
    ];
    const points = Array.from({ length: 190 }, (_, i) => i + 2);
    expect(() => assertNoLookahead(early, feed, points, 'early-pivot')).toThrow(/lookahead/);
  });

  it('catches aligning a 4h bar by its open time instead of its close', () => {
    const byOpen = (f: Feed) => {
      const htf = resampleFeed(f, '4h');
      const index = new Int32Array(f.length);
      let k = -1;
      for (let j = 0; j < f.length; j++) {
        while (k + 1 < htf.length && htf.time[k + 1] <= f.time[j]) k++;
        index[j] = k;
      }
      return [alignSeries(htf.close, index)];
    };
    expect(() =>
      assertNoLookahead(byOpen, randomFeed(200, 'harness', '1h', H, Date.UTC(2024, 0, 1)), [41], 'by-open'),
    ).toThrow(/lookahead/);
  });
});
