import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { breedChildren } from '../../../src/forge/ga/breed.js';
import { latinHypercube } from '../../../src/forge/ga/design.js';
import type { GeneDef } from '../../../src/engine/play/index.js';
import { mutStep } from '../../../src/forge/ga/mutation.js';
import { nicheDistance, updateNiches } from '../../../src/forge/ga/niches.js';
import { evolve, initialState } from '../../../src/forge/ga/optimizer.js';
import { resolveGAOptions } from '../../../src/forge/ga/options.js';
import { createRng } from '../../../src/forge/ga/rng.js';

// Issue 11 point 6: the Latin-hypercube start, local steps from niches, and what they buy on a
// landscape whose optimum is known by construction.

const GENES: GeneDef[] = [
  { path: 'a', kind: 'int', min: 0, max: 99, step: 1 },
  { path: 'b', kind: 'float', min: 0.5, max: 4, step: 0.5 },
  { path: 'c', kind: 'choice', min: 0, max: 3, step: 1 },
  { path: 'd', kind: 'bool', min: 0, max: 1, step: 1 },
];

/** A generator that replays fixed draws, so an operator's result can be worked out by hand. */
const fixed = (...draws: number[]) => {
  let i = 0;
  return () => draws[i++ % draws.length];
};

describe('latinHypercube', () => {
  it('uses every stratum of every gene exactly once, on the grid, the same for the same seed', () => {
    const a = latinHypercube(GENES, 10, seedrandom('lhs'));
    expect(a).toEqual(latinHypercube(GENES, 10, seedrandom('lhs')));
    // int 0..99 in 10 strata: one value in each of 0-9, 10-19, ..., 90-99.
    expect(a.map((g) => Math.floor(g[0] / 10)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const g of a) expect(Number.isInteger(g[0])).toBe(true);
    // float 0.5..4 step 0.5 has 8 cells, fewer than 10 plays: stratum i is cell floor(i * 8 / 10), so
    // every cell appears (cells 0 and 4 twice).
    expect(a.map((g) => g[1]).sort((x, y) => x - y)).toEqual([0.5, 0.5, 1, 1.5, 2, 2.5, 2.5, 3, 3.5, 4]);
    // 4 options over 10 plays: 2 or 3 each (strata 0-2 -> 0, 3-4 -> 1, 5-7 -> 2, 8-9 -> 3); bool 5 and 5.
    const count = (j: number, v: number) => a.filter((g) => g[j] === v).length;
    expect([0, 1, 2, 3].map((v) => count(2, v))).toEqual([3, 2, 3, 2]);
    expect([count(3, 0), count(3, 1)]).toEqual([5, 5]);
  });
});

describe('mutStep', () => {
  it('moves the gene it picks by 1..maxSteps grid steps, the other way at a bound', () => {
    // Draws: gene pick 0.1 -> gene 0 of 4; its size 0.7 of 3 -> 3 steps, direction 0.2 -> up; the other
    // genes stay (0.9 >= also 0.5).
    expect(mutStep([10, 2, 1, 0], GENES, 3, 0.5, fixed(0.1, 0.7, 0.2, 0.9, 0.9, 0.9))).toEqual([13, 2, 1, 0]);
    // At the upper bound the same draws go down instead.
    expect(mutStep([99, 2, 1, 0], GENES, 3, 0.5, fixed(0.1, 0.7, 0.2, 0.9, 0.9, 0.9))).toEqual([96, 2, 1, 0]);
    // Gene 1 (float, step 0.5), 1 step (0.1 of 3), down (0.6); a choice picks another option, a bool flips.
    expect(mutStep([10, 2, 1, 0], GENES, 3, 0.5, fixed(0.3, 0.9, 0.1, 0.6, 0.9, 0.9))).toEqual([10, 1.5, 1, 0]);
    // Gene 0 picked, gene 1 also moved (0.2 < 0.5): a diagonal step.
    expect(mutStep([10, 2, 1, 0], GENES, 1, 0.5, fixed(0.1, 0.5, 0.2, 0.2, 0.5, 0.2, 0.9, 0.9))).toEqual([
      11, 2.5, 1, 0,
    ]);
    expect(mutStep([10, 2, 1, 0], GENES, 3, 0.5, fixed(0.6, 0.9, 0.9, 0.0, 0.9))).toEqual([10, 2, 2, 0]);
    expect(mutStep([10, 2, 1, 0], GENES, 3, 0.5, fixed(0.9, 0.9, 0.9, 0.9))).toEqual([10, 2, 1, 1]);
  });

  it('always changes the play and stays on the grid', () => {
    const rng = seedrandom('step');
    for (let t = 0; t < 500; t++) {
      const ind = latinHypercube(GENES, 1, rng)[0];
      const out = mutStep(ind, GENES, 2, 0.5, rng);
      expect(out).not.toEqual(ind);
      expect(Math.abs(out[0] - ind[0])).toBeLessThanOrEqual(2);
      expect(Math.abs(out[1] - ind[1])).toBeLessThanOrEqual(1);
      expect(Number.isInteger(out[0]) && Number.isInteger(out[1] * 2)).toBe(true);
    }
  });
});

describe('niches', () => {
  it('distance is the largest gene gap as a share of its range; a categorical difference is a whole range', () => {
    expect(nicheDistance([10, 2, 1, 0], [20, 2, 1, 0], GENES)).toBeCloseTo(10 / 99, 12);
    expect(nicheDistance([10, 2, 1, 0], [20, 2.5, 1, 0], GENES)).toBeCloseTo(0.5 / 3.5, 12); // the larger gap
    expect(nicheDistance([10, 2, 1, 0], [10, 4, 1, 0], GENES)).toBeCloseTo(2 / 3.5, 12);
    expect(nicheDistance([10, 2, 1, 0], [10, 2, 2, 0], GENES)).toBe(1);
  });

  it('keeps the best play of each region, best first, regions more than the radius apart, up to the count', () => {
    const n = (x: number, fitness: number) => ({ genome: [x, 2, 1, 0], fitness });
    // Radius 0.1 of 99 is 9.9: 50 and 55 are one region (55 is better), 70 and 20 are others, 80 is cut by the count.
    const kept = updateNiches([n(50, 1)], [n(55, 2), n(70, 1.5), n(20, 0.5), n(80, 0.2), n(60, NaN)], GENES, 3, 0.1);
    expect(kept).toEqual([n(55, 2), n(70, 1.5), n(20, 0.5)]);
  });

  it('local children are one step from a niche, half of them from the best niche', () => {
    const o = resolveGAOptions({ population: 22, elitism: 2, localShare: 1, localSteps: 1 });
    const niches = [
      { genome: [50, 2, 1, 0], fitness: 3 },
      { genome: [10, 1, 0, 1], fitness: 2 },
    ];
    const pop = latinHypercube(GENES, 22, seedrandom('p'));
    const brood = breedChildren(
      pop,
      pop.map((_, i) => i),
      GENES,
      o,
      0,
      createRng('b'),
      niches,
    );
    expect(brood.children).toEqual([]);
    expect(brood.local.length).toBe(20);
    expect(brood.local.filter((l) => l.parent === niches[0].genome).length).toBe(15); // 10 + 5 of the round robin
    for (const { parent, child } of brood.local) {
      expect(Math.abs(child[0] - parent[0])).toBeLessThanOrEqual(1);
      expect(Math.abs(child[1] - parent[1])).toBeLessThanOrEqual(0.5);
    }
  });
});

describe('local steps in the search', () => {
  // A rugged 2-D integer landscape with one needle: a smooth hill towards (70, 30) whose top cell
  // (70, 30) is worth 100 and whose 8 neighbours are worth less than a far decoy at (15, 85) (95), with
  // deterministic ripples elsewhere. The optimum is (70, 30) by construction.
  const genes: GeneDef[] = [
    { path: 'x', kind: 'int', min: 0, max: 99, step: 1 },
    { path: 'y', kind: 'int', min: 0, max: 99, step: 1 },
  ];
  const ripple = (x: number, y: number) => ((x * 7919 + y * 104_729) % 13) / 13;
  const f = (g: readonly number[]) => {
    const [x, y] = g;
    if (x === 70 && y === 30) return 100;
    if (x === 15 && y === 85) return 95;
    const hill = 90 - Math.max(Math.abs(x - 70), Math.abs(y - 30)) * 0.8;
    return Math.max(hill, 60 - Math.hypot(x - 15, y - 85) * 0.5) - 3 * ripple(x, y);
  };

  async function hits(extra: object, seeds: number): Promise<number> {
    let n = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const o = resolveGAOptions({ budget: 400, ...extra });
      const state = await evolve(genes, o, initialState<{ fitness: number }>(genes, o, seed), {
        evaluate: async (gs) => gs.map((g) => ({ fitness: f(g) })),
      });
      expect(state.evaluated).toBe(400);
      if (state.hallOfFame[0].evaluation.fitness === 100) n++;
    }
    return n;
  }

  it('the defaults reach the needle at 400 evaluations in at least 9 of 10 seeds', async () => {
    expect(await hits({}, 10)).toBeGreaterThanOrEqual(9);
    expect(await hits({ localShare: 0, init: 'uniform' }, 10)).toBeLessThan(9); // the search before local steps
  });
});
