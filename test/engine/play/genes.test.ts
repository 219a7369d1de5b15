import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import {
  describeGenome,
  genesOf,
  genomeFromValues,
  parsePlay,
  randomGenome,
  resolvePlay,
} from '../../../src/engine/play/index.js';

const SPACE = `market: {tf: 1h}
features:
  ma:
    indicator: {choice: [ema, sma, wma]}
    params: {period: {int: [5, 50]}}
  band:
    indicator: {choice: [bbands, keltner]}
    params: {bbands: {period: {int: [10, 30], step: 5}}, keltner: {period: 20}}
entry:
  long:
    - {cross_above: [close, ma]}
    - {left: close, op: '<', right: band.upper, optional: true}
    - {left: rsi(14), op: '<', right: {float: [50, 80], step: 0.5}, optional: true}
exit:
  stop_loss: {pct: {float: [0.5, 4.0], step: 0.1}}
  time_stop: {bars: {int: [10, 100]}, optional: true}
`;

describe('genes', () => {
  const space = parsePlay(SPACE, 'space.yaml');
  const genes = genesOf(space);

  it('are listed in document order with kind, bounds, step and choices', () => {
    expect(genes.map((g) => [g.path, g.kind, g.min, g.max, g.step])).toEqual([
      ['features.ma.indicator', 'choice', 0, 2, 1],
      ['features.ma.params.period', 'int', 5, 50, 1],
      ['features.band.indicator', 'choice', 0, 1, 1],
      ['features.band.params.bbands.period', 'int', 10, 30, 5],
      ['entry.long[1].optional', 'bool', 0, 1, 1],
      ['entry.long[2].right', 'float', 50, 80, 0.5],
      ['entry.long[2].optional', 'bool', 0, 1, 1],
      ['exit.stop_loss.pct', 'float', 0.5, 4, 0.1],
      ['exit.time_stop.bars', 'int', 10, 100, 1],
      ['exit.time_stop.optional', 'bool', 0, 1, 1],
    ]);
    expect(genes[0].choices).toEqual(['ema', 'sma', 'wma']);
  });

  it('resolve to the play the values describe', () => {
    const play = resolvePlay(space, [2, 17, 1, 25, 0, 62.5, 1, 1.3, 40, 0]);
    expect(play.features.ma.key).toBe('1h|wma|period=17|close');
    expect(play.features.band.def.name).toBe('keltner');
    expect(play.features.band.params).toEqual({ period: 20, atrPeriod: 10, multiplier: 2 });
    // rule [1] is off: the list keeps the cross and the rsi rule with its threshold
    const long = play.entry.long as unknown as { kind: string; items: { kind: string; right?: { value?: number } }[] };
    expect(long.kind).toBe('all');
    expect(long.items.map((i) => i.kind)).toEqual(['cross', 'compare']);
    expect(long.items[1].right?.value).toBe(62.5);
    expect(play.exit.stopLoss).toEqual({ kind: 'pct', value: 1.3 });
    expect(play.exit.timeStopBars).toBeUndefined();
  });

  it('resolve deterministically, clamping to bounds and snapping to the step', () => {
    const a = resolvePlay(space, [0.6, 60, 0, 12, 1, 50.74, 1, 1.26, 3, 1]);
    const b = resolvePlay(space, [0.6, 60, 0, 12, 1, 50.74, 1, 1.26, 3, 1]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.features.ma.key).toBe('1h|sma|period=50|close'); // 0.6 -> choice 1, 60 -> 50
    expect(a.features.band.key).toBe('1h|bbands|period=10,stddev=2|close'); // 12 -> 10 on the step-5 grid
    const long = a.entry.long as unknown as { items: { right?: { value?: number } }[] };
    expect(long.items[2].right?.value).toBe(50.5);
    expect(a.exit.stopLoss).toEqual({ kind: 'pct', value: 1.3 });
    expect(a.exit.timeStopBars).toBe(10);
    expect(describeGenome(genes, [0.6, 60, 0, 12, 1, 50.74, 1, 1.26, 3, 1])).toMatchObject({
      'features.ma.indicator': 'sma',
      'features.ma.params.period': 50,
      'entry.long[1].optional': true,
      'exit.stop_loss.pct': 1.3,
    });
  });

  it('random genomes come from the seeded rng, stay on the grid and always resolve', () => {
    const r1 = seedrandom('s');
    const r2 = seedrandom('s');
    for (let k = 0; k < 200; k++) {
      const g = randomGenome(space.genes, r1);
      expect(g).toEqual(randomGenome(space.genes, r2));
      genes.forEach((d, i) => {
        expect(g[i]).toBeGreaterThanOrEqual(d.min);
        expect(g[i]).toBeLessThanOrEqual(d.max);
        if (d.step > 0)
          expect(Math.abs((g[i] - d.min) / d.step - Math.round((g[i] - d.min) / d.step))).toBeLessThan(1e-9);
      });
      resolvePlay(space, g);
    }
  });

  it('a play without genes has none and resolves to itself', () => {
    const plain = parsePlay('market: {tf: 1d}\nentry: {long: {left: close, op: ">", right: sma(5)}}\n');
    expect(genesOf(plain)).toEqual([]);
    expect(resolvePlay(plain, []).entry.long).toMatchObject({ kind: 'compare', op: '>' });
    expect(() => resolvePlay(plain, [1])).toThrow(ForgeError);
  });

  it('values people write: by path, choices by name', () => {
    const g = genomeFromValues(space, { 'features.ma.indicator': 'wma', 'exit.time_stop.optional': false });
    expect(g[0]).toBe(2);
    expect(g[9]).toBe(0);
    expect(g[1]).toBe(28); // midpoint of [5, 50] rounded
    expect(() => genomeFromValues(space, { 'features.ma.params.perod': 3 })).toThrow(
      /did you mean 'features\.ma\.params\.period'/,
    );
  });

  it('all optional rules off: an empty group is absent, so the side never enters', () => {
    const s = parsePlay("market: {tf: 1h}\nentry:\n  long: [{left: close, op: '>', right: 1, optional: true}]\n");
    expect(resolvePlay(s, [0]).entry.long).toBeUndefined();
    expect(resolvePlay(s, [1]).entry.long).toMatchObject({ kind: 'compare' });
  });
});
