import { describe, expect, it } from 'vitest';
import { describePlay, parsePlay, resolvePlay } from '../../../src/engine/play/index.js';

const PLAY = `
market: {symbol: BTCUSDT, tf: 1h}
features:
  fast: {indicator: {choice: [ema, sma]}, params: {period: {int: [5, 20]}}}
  slow: {indicator: sma, params: {period: 50}}
  band:
    indicator: {choice: [bbands, donchian]}
    params:
      bbands: {period: {int: [10, 30]}}
  unused: {indicator: rsi}
entry:
  long:
    - {cross_above: [fast, slow]}
    - {left: close, op: '>', right: band.middle, optional: true}
exit:
  stop_loss: {pct: 2}
  time_stop: 24
`;

describe('describePlay', () => {
  const space = parsePlay(PLAY, 'p.yaml');

  it('shows only what the resolved play uses, in words', () => {
    // genes: fast.indicator, fast.period, band.indicator, band.bbands.period, entry.long[1].optional
    const lines = describePlay(resolvePlay(space, [1, 12, 1, 20, 0]));
    expect(lines).toEqual([
      'market: BTCUSDT 1h',
      'feature fast = sma(period=12) on 1h',
      'feature slow = sma(period=50) on 1h',
      'enter long when fast crosses above slow',
      'exit on the opposite signal, stop-loss 2%, after 24 bars',
      'size all-in; costs 0 bps fee + 0 bps slippage per fill',
    ]);
  });

  it('includes an optional rule and its feature when the rule is on', () => {
    const lines = describePlay(resolvePlay(space, [0, 7, 0, 20, 1]));
    expect(lines).toContain('feature band = bbands(period=20, stddev=2) on 1h');
    expect(lines).toContain('enter long when fast crosses above slow and close > band.middle');
  });
});
