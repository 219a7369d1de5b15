import { describe, expect, it } from 'vitest';
import { resampleFeed } from '../../../src/engine/feeds.js';
import {
  compileSignals,
  featureValues,
  MapFeatureCache,
  parsePlay,
  resolvePlay,
} from '../../../src/engine/play/index.js';
import { perturbAfter } from '../../helpers/lookahead.js';
import { randomFeed } from '../../helpers/random-feed.js';

const PLAY = `market: {tf: 1h}
features:
  htf_close: {indicator: sma, tf: 4h, params: {period: 1}}
  htf_ema: {indicator: ema, tf: 4h, params: {period: 5}}
  day_rsi: {indicator: rsi, tf: 1d, params: {period: 3}}
  fast: {indicator: ema, params: {period: 5}}
  swing: {structure: swing, params: {left: 2, right: 2}}
entry:
  long:
    - {cross_above: [fast, htf_ema]}
    - {left: day_rsi, op: '<', right: 70}
  short:
    any:
      - {cross_below: [close, htf_close]}
      - {left: close, op: '<', right: swing.last_low}
exit:
  long: {left: close, op: '<', right: htf_close}
`;

describe('higher-timeframe features', () => {
  const play = resolvePlay(parsePlay(PLAY), []);
  const feed = randomFeed(24 * 30, 'htf');

  it('a 4h value becomes visible at the close of the 4h bar, not before', () => {
    const v = featureValues(play.features.htf_close, feed, { '1h': feed }, new MapFeatureCache())[0];
    // bars 0..2 (00:00-03:00) see no closed 4h bar; bar 3 closes the first one; bars 4..6 keep it
    expect([v[0], v[1], v[2]].every(Number.isNaN)).toBe(true);
    for (let j = 3; j < feed.length; j++) {
      const closedBucketLast = Math.floor((j + 1) / 4) * 4 - 1; // last exec bar of the last closed 4h bar
      expect(v[j]).toBeCloseTo(feed.close[closedBucketLast], 9); // sma(1) = close up to running-sum rounding
    }
    expect(play.features.htf_close.key).toBe('4h@1h|sma|period=1|close');
  });

  it('no lookahead: changing bars after i never changes a signal at or before i', () => {
    const base = compileSignals(play, { '1h': feed }).signals;
    expect(base.longEntry.some((x) => x === 1)).toBe(true);
    expect(base.shortEntry.some((x) => x === 1)).toBe(true);
    for (const i of [30, 97, 200, 401, 650]) {
      const other = perturbAfter(feed, i, `p${i}`);
      const s = compileSignals(play, { '1h': other }).signals;
      for (const k of ['longEntry', 'shortEntry', 'longExit'] as const) {
        expect([...s[k]!.subarray(0, i + 1)]).toEqual([...base[k]!.subarray(0, i + 1)]);
      }
    }
  });

  it('a higher timeframe given in the feeds gives the same signals as one resampled from the execution feed', () => {
    const a = compileSignals(play, { '1h': feed }).signals;
    const b = compileSignals(play, {
      '1h': feed,
      '4h': resampleFeed(feed, '4h'),
      '1d': resampleFeed(feed, '1d'),
    }).signals;
    expect([...b.longEntry]).toEqual([...a.longEntry]);
    expect([...b.shortEntry]).toEqual([...a.shortEntry]);
  });
});
