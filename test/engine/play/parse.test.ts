import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { parsePlay, resolvePlay } from '../../../src/engine/play/index.js';

const BASE = `market: {symbol: BTCUSDT, tf: 1h}
features:
  fast: {indicator: ema, params: {period: 10}}
  slow: {indicator: sma, params: {period: 30}}
`;

/** The ForgeError a play text raises (fails the test when it parses). */
function errorOf(text: string): ForgeError {
  try {
    parsePlay(text, 'p.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ForgeError);
    return e as ForgeError;
  }
  throw new Error('expected a ForgeError, the play parsed');
}

describe('play validation errors name the path, the line and the fix', () => {
  it("unknown inline indicator 'emma' suggests 'ema' at entry.long[1].left", () => {
    const e = errorOf(`${BASE}entry:
  long:
    - {cross_above: [fast, slow]}
    - {left: emma(20), op: '>', right: close}
`);
    expect(e.message).toBe("p.yaml:8: entry.long[1].left: unknown indicator 'emma', did you mean 'ema'?");
    expect(e.fix).toMatch(/known: .*ema/);
    expect(e.code).toBe('E_PLAY');
  });

  it('unknown feature reference suggests the closest name', () => {
    const e = errorOf(`${BASE}entry:\n  long: {cross_above: [fsat, slow]}\n`);
    expect(e.message).toBe("p.yaml:6: entry.long.cross_above[0]: unknown feature 'fsat', did you mean 'fast'?");
  });

  it('unknown top-level and nested keys', () => {
    expect(errorOf(`${BASE}entry: {long: {cross_above: [fast, slow]}}\nexits: {}\n`).message).toBe(
      "p.yaml:6: exits: unknown key 'exits' in a play, did you mean 'exit'?",
    );
    expect(errorOf(`${BASE}entry: {long: {cross_above: [fast, slow]}}\nexit: {stop_los: {pct: 2}}\n`).message).toBe(
      "p.yaml:6: exit.stop_los: unknown key 'stop_los' in exit, did you mean 'stop_loss'?",
    );
  });

  it('unknown indicator, parameter and output names', () => {
    expect(
      errorOf(`market: {tf: 1h}\nfeatures:\n  a: {indicator: rsii}\nentry: {long: {left: a, op: '>', right: 50}}\n`)
        .message,
    ).toBe("p.yaml:3: features.a.indicator: unknown indicator 'rsii', did you mean 'rsi'?");
    expect(
      errorOf(
        `market: {tf: 1h}\nfeatures:\n  a: {indicator: rsi, params: {perod: 14}}\nentry: {long: {left: a, op: '>', right: 50}}\n`,
      ).message,
    ).toBe("p.yaml:3: features.a.params.perod: rsi has no parameter 'perod', did you mean 'period'?");
    expect(
      errorOf(
        `market: {tf: 1h}\nfeatures:\n  m: {indicator: macd}\nentry: {long: {left: m.sgnal, op: '>', right: 0}}\n`,
      ).message,
    ).toMatch(/^p\.yaml:4: entry\.long\.left: 'm' \(macd\) has no output 'sgnal', did you mean 'signal'\?/);
    expect(
      errorOf(`market: {tf: 1h}\nfeatures:\n  s: {indicator: swing}\nentry: {long: {left: s, op: '>', right: 0}}\n`)
        .message,
    ).toBe("p.yaml:3: features.s.indicator: 'swing' is a structure");
  });

  it('parameters outside the FeatureDef range, also as gene bounds', () => {
    const e = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a: {indicator: sma, params: {period: 0}}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(e.message).toBe('p.yaml:3: features.a.params.period: sma period 0 is below the minimum 1');
    expect(e.fix).toBe('give a value in [1, 1000]');
    const g = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a: {indicator: sma, params: {period: {int: [5, 5000]}}}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(g.message).toBe('p.yaml:3: features.a.params.period.int[1]: sma period 5000 is above the maximum 1000');
    const w = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a: {indicator: sma, params: {period: 2.5}}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(w.message).toMatch(/features\.a\.params\.period: sma period must be a whole number, got 2\.5/);
  });

  it('inverted gene bounds and malformed genes', () => {
    expect(errorOf(`${BASE}entry: {long: {left: close, op: '>', right: {float: [3, 1]}}}\n`).message).toBe(
      'p.yaml:5: entry.long.right.float: gene bounds are inverted: 3 > 1',
    );
    expect(errorOf(`${BASE}entry: {long: {left: close, op: '>', right: {int: [1.5, 3]}}}\n`).message).toMatch(
      /int gene bounds must be integers/,
    );
    expect(errorOf(`${BASE}entry: {long: {left: close, op: '>', right: {choice: []}}}\n`).message).toMatch(
      /entry\.long\.right\.choice: a choice gene needs a non-empty list/,
    );
  });

  it('cross_above arity', () => {
    expect(errorOf(`${BASE}entry: {long: {cross_above: [fast, slow, close]}}\n`).message).toBe(
      'p.yaml:5: entry.long.cross_above: cross_above takes exactly two operands, got 3',
    );
  });

  it('a feature on a timeframe lower than the execution timeframe', () => {
    const e = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a: {indicator: ema, tf: 15m}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(e.message).toBe('p.yaml:3: features.a.tf: feature timeframe 15m is lower than the execution timeframe 1h');
    expect(
      errorOf(
        `market: {tf: 1h}\nfeatures:\n  a: {indicator: ema, tf: 4hr}\nentry: {long: {left: close, op: '>', right: a}}\n`,
      ).message,
    ).toMatch(/features\.a\.tf: '4hr' is not a timeframe, did you mean '4h'\?/);
  });

  it('a choice of indicators: params must fit every choice, or be keyed by choice', () => {
    const shared = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a: {indicator: {choice: [ema, rsi]}, params: {period: 300}}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(shared.message).toBe('p.yaml:3: features.a.params.period: rsi period 300 is above the maximum 100');
    const keyed = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a:\n    indicator: {choice: [ema, sma]}\n    params: {ema: {period: 20}, wma: {period: 30}}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(keyed.message).toBe(
      "p.yaml:5: features.a.params.wma: params keyed by choice name 'wma', which is not one of the choices, did you mean 'ema'?",
    );
    const bad = errorOf(
      `market: {tf: 1h}\nfeatures:\n  a: {indicator: {choice: [ema, emma]}}\nentry: {long: {left: close, op: '>', right: a}}\n`,
    );
    expect(bad.message).toBe("p.yaml:3: features.a.indicator.choice[1]: unknown indicator 'emma', did you mean 'ema'?");
  });

  it('operators, optional in the wrong place, risk sizing without a sure stop', () => {
    expect(errorOf(`${BASE}entry: {long: {left: fast, op: '=>', right: slow}}\n`).message).toMatch(
      /entry\.long\.op: unknown operator "=>", did you mean '>'\?/,
    );
    expect(
      errorOf(`${BASE}  mid: {indicator: ema, optional: true}\nentry: {long: {left: fast, op: '>', right: slow}}\n`)
        .message,
    ).toMatch(/features\.mid\.optional: optional is only allowed on rules/);
    expect(
      errorOf(
        `${BASE}entry: {long: {left: fast, op: '>', right: slow}}\nexit: {stop_loss: {pct: 2, optional: true}}\nsizing: {mode: risk, risk: 0.01}\n`,
      ).message,
    ).toMatch(/sizing\.mode: risk sizing needs a stop_loss that is always present/);
  });

  it('YAML syntax errors carry the line', () => {
    const e = errorOf('market: {tf: 1h\nentry: x\n');
    expect(e.code).toBe('E_PLAY_YAML');
    expect(e.message).toMatch(/^p\.yaml:\d+: not valid YAML/);
  });

  it('a valid play parses into the expected shape', () => {
    const space = parsePlay(`${BASE}entry:
  long: [{cross_above: [fast, slow]}, {left: rsi(14), op: '<', right: 70}]
  short: {not: {left: close, op: '>', right: 'bbands(20, 2).upper'}}
exit: {stop_loss: {atr: 2, period: 10}, take_profit: {pct: 5}, time_stop: 50}
sizing: {mode: fraction, fraction: 0.5}
costs: {fee_bps: 10, slippage_bps: 3}
`);
    expect(space.genes).toEqual([]);
    const play = resolvePlay(space, []);
    expect(play.market).toEqual({ symbol: 'BTCUSDT', tf: '1h' });
    expect(play.features.fast.key).toBe('1h|ema|period=10|close');
    expect(play.entry.long?.kind).toBe('all');
    const long = play.entry.long as unknown as {
      items: { kind: string; left?: { label: string; feature: { key: string } } }[];
    };
    expect(long.items[1].left?.feature.key).toBe('1h|rsi|period=14|close');
    expect(play.exit).toMatchObject({
      onOpposite: true,
      stopLoss: { kind: 'atr', value: 2, period: 10 },
      takeProfit: { kind: 'pct', value: 5 },
      timeStopBars: 50,
    });
    expect(play.sizing).toEqual({ mode: 'fraction', fraction: 0.5, risk: undefined, wholeUnits: false });
    expect(play.costs).toEqual({ feeBps: 10, slippageBps: 3 });
    expect(play.cash).toBe(10_000);
  });
});
