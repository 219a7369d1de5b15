import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { cxBlend, cxSimulatedBinary, cxUniform } from '../../../src/forge/ga/crossover.js';
import { type GeneDef, normalizeGene, randomGenome } from '../../../src/engine/play/index.js';
import { diversity } from '../../../src/forge/ga/genome.js';
import { mutCreep, mutGaussian, mutReset } from '../../../src/forge/ga/mutation.js';
import { selBest, selTournament } from '../../../src/forge/ga/selection.js';

const GENES: GeneDef[] = [
  { path: 'int', kind: 'int', min: 5, max: 50, step: 1 },
  { path: 'float', kind: 'float', min: 0.5, max: 4, step: 0.1 },
  { path: 'choice', kind: 'choice', min: 0, max: 2, step: 1 },
  { path: 'bool', kind: 'bool', min: 0, max: 1, step: 1 },
  { path: 'float', kind: 'float', min: -1, max: 1, step: 0 },
];

function onGrid(v: number, g: GeneDef): boolean {
  if (v < g.min - 1e-9 || v > g.max + 1e-9) return false;
  if (g.step === 0) return true;
  const k = (v - g.min) / g.step;
  return Math.abs(k - Math.round(k)) < 1e-9;
}

/** A generator that replays fixed draws, so a formula can be checked against hand arithmetic. */
const fixed = (...draws: number[]) => {
  let i = 0;
  return () => draws[i++ % draws.length];
};

describe('normalizeGene, the repair every operator applies', () => {
  it('clamps and snaps to the grid (hand cases)', () => {
    expect(normalizeGene(GENES[0], 51.2)).toBe(50);
    expect(normalizeGene(GENES[0], 7.6)).toBe(8);
    expect(normalizeGene(GENES[1], 1.26)).toBe(1.3);
    expect(normalizeGene(GENES[1], 0.1)).toBe(0.5);
    expect(normalizeGene(GENES[4], 0.123456)).toBe(0.123456); // no step: left continuous
  });

  it('refuses NaN instead of mapping it to a bound, naming the gene', () => {
    expect(() => normalizeGene(GENES[0], NaN)).toThrow(/gene int: value is NaN/);
  });
});

describe('selection', () => {
  it('selBest orders by fitness, NaN last, ties by index', () => {
    expect(selBest([1, NaN, 3, 3, -2], 4)).toEqual([2, 3, 0, 4]);
  });

  it('selTournament picks the best with the analytic probability 1 - ((n-1)/n)^size', () => {
    const fitness = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const rng = seedrandom('tournament');
    const draws = 40_000;
    const picks = selTournament(fitness, draws, 3, rng);
    const share = picks.filter((i) => i === 9).length / draws;
    const expected = 1 - 0.9 ** 3; // 0.271
    expect(Math.abs(share - expected)).toBeLessThan(0.01);
    // The worst individual only wins a tournament of three when drawn every time: 0.1^3.
    expect(picks.filter((i) => i === 0).length / draws).toBeLessThan(0.003);
  });
});

describe('crossover', () => {
  const a = [10, 1.0, 0, 1, -0.5];
  const b = [40, 3.0, 2, 0, 0.5];

  it('cxUniform swaps every gene at indpb 1 and none at 0, parents untouched', () => {
    const rng = seedrandom('u');
    expect(cxUniform(a, b, 1, rng)).toEqual([b, a]);
    expect(cxUniform(a, b, 0, rng)).toEqual([a, b]);
    expect(a).toEqual([10, 1.0, 0, 1, -0.5]);
  });

  it('cxBlend with alpha 0 keeps ordered genes between the parents and on the grid', () => {
    const rng = seedrandom('blend');
    for (let t = 0; t < 500; t++) {
      const [c1, c2] = cxBlend(a, b, GENES, 0, rng);
      for (const c of [c1, c2]) {
        expect(c[0]).toBeGreaterThanOrEqual(10);
        expect(c[0]).toBeLessThanOrEqual(40);
        c.forEach((v, i) => {
          expect(onGrid(v, GENES[i])).toBe(true);
        });
        expect([0, 2]).toContain(c[2]); // a choice is swapped, never blended into 1
      }
    }
  });

  it('cxSimulatedBinary matches the bounded SBX formula worked by hand', () => {
    // x1=2, x2=4 in [0,10], eta=1, u=0.5:
    //   beta=1+2*(2-0)/2=3, alpha=2-3^-2=1.888889, betaq=sqrt(0.5*alpha)=0.971825, y1=0.5*(6-2*0.971825)=2.028175
    //   beta=1+2*(10-4)/2=7, alpha=2-7^-2=1.979592, betaq=sqrt(0.5*alpha)=0.994885, y2=0.5*(6+2*0.994885)=3.994885
    const g: GeneDef[] = [{ path: 'float', kind: 'float', min: 0, max: 10, step: 0 }];
    // draws: 0.3 (do crossover: <= 0.5), 0.5 (u), 0.9 (no swap)
    const [c1, c2] = cxSimulatedBinary([2], [4], g, 1, fixed(0.3, 0.5, 0.9));
    expect(c1[0]).toBeCloseTo(2.028175, 6);
    expect(c2[0]).toBeCloseTo(3.994885, 6);
  });

  it('cxSimulatedBinary children stay in bounds and on the grid', () => {
    const rng = seedrandom('sbx');
    for (let t = 0; t < 500; t++) {
      for (const c of cxSimulatedBinary(a, b, GENES, 2, rng))
        c.forEach((v, i) => {
          expect(onGrid(v, GENES[i])).toBe(true);
        });
    }
  });
});

describe('mutation', () => {
  const ind = [20, 2.0, 1, 0, 0];

  it('does nothing at rate 0 and never modifies its input', () => {
    const rng = seedrandom('m');
    expect(mutGaussian(ind, GENES, 0.1, 0, rng)).toEqual(ind);
    expect(mutCreep(ind, GENES, 3, 0, rng)).toEqual(ind);
    expect(mutReset(ind, GENES, 0, rng)).toEqual(ind);
    mutReset(ind, GENES, 1, rng);
    expect(ind).toEqual([20, 2.0, 1, 0, 0]);
  });

  it('mutGaussian steps have the requested spread (sigma as a share of the range)', () => {
    const g: GeneDef[] = [{ path: 'float', kind: 'float', min: -100, max: 100, step: 0 }];
    const rng = seedrandom('gauss');
    const n = 20_000;
    let sum = 0;
    let sq = 0;
    for (let t = 0; t < n; t++) {
      const d = mutGaussian([0], g, 0.05, 1, rng)[0];
      sum += d;
      sq += d * d;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.3);
    expect(Math.abs(sd - 10)).toBeLessThan(0.3); // 0.05 * 200
  });

  it('per-gene rates mutate only the genes given a rate', () => {
    const rng = seedrandom('rates');
    for (let t = 0; t < 200; t++) {
      const out = mutReset(ind, GENES, [0, 0, 1, 0, 0], rng);
      expect(out[0]).toBe(20);
      expect(out[1]).toBe(2.0);
      expect(out[3]).toBe(0);
    }
  });

  it('mutCreep moves an int by at most maxSteps and stays valid', () => {
    const rng = seedrandom('creep');
    for (let t = 0; t < 500; t++) {
      const out = mutCreep(ind, GENES, 2, 1, rng);
      expect(Math.abs(out[0] - 20)).toBeGreaterThanOrEqual(1);
      expect(Math.abs(out[0] - 20)).toBeLessThanOrEqual(2);
      out.forEach((v, i) => {
        expect(onGrid(v, GENES[i])).toBe(true);
      });
    }
  });
});

describe('genomes', () => {
  it('random genomes are valid and repeatable by seed', () => {
    const g1 = Array.from(
      { length: 50 },
      (
        (r) => () =>
          randomGenome(GENES, r)
      )(seedrandom('s')),
    );
    const g2 = Array.from(
      { length: 50 },
      (
        (r) => () =>
          randomGenome(GENES, r)
      )(seedrandom('s')),
    );
    expect(g1).toEqual(g2);
    for (const g of g1)
      g.forEach((v, i) => {
        expect(onGrid(v, GENES[i])).toBe(true);
      });
  });

  it('a random genome takes one draw per gene, mapped by hand: a draw u picks cell floor(u * cells)', () => {
    // int [5, 50] 46 cells: 0.5 -> cell 23 = 28; float [0.5, 4] step 0.1 36 cells: 0.99 -> cell 35 = 4;
    // choice 3 cells: 0.34 -> 1; bool 2 cells: 0.49 -> 0; continuous [-1, 1]: 0.25 -> -0.5.
    let draws = 0;
    const replay = fixed(0.5, 0.99, 0.34, 0.49, 0.25);
    const counted = () => {
      draws++;
      return replay();
    };
    expect(randomGenome(GENES, counted)).toEqual([28, 4, 1, 0, -0.5]);
    expect(draws).toBe(GENES.length); // the order of seeded draws a saved run replays
  });

  it('diversity is 0 for clones and 1 for two opposite corners', () => {
    const clone = [20, 2.0, 1, 0, 0];
    expect(diversity([clone, clone, clone], GENES)).toBe(0);
    expect(
      diversity(
        [
          [5, 0.5, 0, 0, -1],
          [50, 4, 2, 1, 1],
        ],
        GENES,
      ),
    ).toBeCloseTo(1, 9);
  });
});
