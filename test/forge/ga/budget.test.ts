import { describe, expect, it } from 'vitest';
import type { GeneDef } from '../../../src/engine/play/index.js';
import { genomeKey } from '../../../src/forge/ga/genome.js';
import { checkGrid } from '../../../src/forge/ga/grid.js';
import { evolve, initialState } from '../../../src/forge/ga/optimizer.js';
import { resolveGAOptions } from '../../../src/forge/ga/options.js';

// Issue 11 points 1, 2, 4, 5 and 7 on hand-made landscapes whose answers are counted by hand.

const GENES: GeneDef[] = [
  { path: 'int', kind: 'int', min: 5, max: 200, step: 1 },
  { path: 'float', kind: 'float', min: 0.5, max: 4, step: 0.1 },
  { path: 'choice', kind: 'choice', min: 0, max: 3, step: 1 },
  { path: 'bool', kind: 'bool', min: 0, max: 1, step: 1 },
];
type E = { fitness: number };
const landscape = (g: readonly number[]) =>
  -Math.abs(g[0] - 60) / 10 - Math.abs(g[1] - 2.5) - (g[2] === 2 ? 0 : 3) - (g[3] === 1 ? 0 : 2);

function recorder(f: (g: readonly number[]) => number = landscape) {
  const calls: number[][][] = [];
  const evaluate = async (gs: number[][]) => {
    calls.push(gs);
    return gs.map((g) => ({ fitness: f(g) }));
  };
  return { calls, evaluate };
}

describe('search budget and slots (issue 11)', () => {
  it('--budget N evaluates exactly N distinct plays, then stops as budget-spent', async () => {
    const o = resolveGAOptions({ population: 30, budget: 100 });
    const r = recorder();
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'b'), r);
    const keys = r.calls.flat().map(genomeKey);
    expect(keys.length).toBe(100);
    expect(new Set(keys).size).toBe(100);
    expect(state.evaluated).toBe(100);
    expect(state.stopped).toBe('budget');
    // Cache hits are counted apart: the elites of every later generation at least.
    expect(state.reused).toBeGreaterThanOrEqual(2 * (state.generation - 1));
    expect(state.reused).toBe(state.stats.reduce((n, s) => n + s.reused, 0));
  });

  it('a budget without generations is not cut at the default 30 generations; without a population it sizes one', () => {
    expect(resolveGAOptions({ population: 10, budget: 1000 }).generations).toBe(1000);
    expect(resolveGAOptions({ budget: 300 }).population).toBe(16); // 300 / 20 = 15, at least 16
    expect(resolveGAOptions({ budget: 1500 }).population).toBe(75);
    expect(resolveGAOptions({ budget: 100_000 }).population).toBe(150);
    expect(resolveGAOptions({}).population).toBe(150);
    expect(resolveGAOptions({ population: 10, budget: 1000, generations: 5 }).generations).toBe(5);
  });

  it('never spends a slot on a play that cannot differ from an evaluated one: every non-elite slot is new', async () => {
    // Only gene 0 matters (196 values): the other genes are like the parameters of an unchosen option.
    const identity = (g: readonly number[]) => String(g[0]);
    const o = resolveGAOptions({ population: 20, generations: 5, elitism: 2, restartAfter: 0 });
    const r = recorder((g) => -Math.abs(g[0] - 60));
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'slots'), { ...r, identity });
    const ids = r.calls.flat().map(identity);
    expect(new Set(ids).size).toBe(ids.length); // no behavioural duplicate evaluated
    // Generation 0 may draw duplicates at random; the 4 later generations have 4 x 18 non-elite slots,
    // and a child still a duplicate after `retries` tries is rare (with retries: 0, only 6 of the 72 are new).
    const later = state.stats.slice(1).reduce((n, s) => n + s.evaluated, 0);
    expect(later).toBeGreaterThanOrEqual(70);
  });

  it('restarts half the non-elite population after restartAfter generations without a better best', async () => {
    const o = resolveGAOptions({
      population: 20,
      generations: 8,
      elitism: 2,
      restartAfter: 3,
      restartShare: 0.5,
      diversityThreshold: 0,
    });
    const flat = { evaluate: async (gs: number[][]) => gs.map(() => ({ fitness: 1 })) };
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'r'), flat);
    // Generation 0 sets the best; generations 3 and 6 are the 3rd and 6th without improvement: 9 of 18 restart.
    expect(state.stats.map((s) => s.immigrants)).toEqual([0, 0, 0, 9, 0, 0, 9, 0]);
  });

  it('the hall of fame collapses equal results into the first found, counting the equivalents', async () => {
    // Fitness depends on gene 0 in steps of 10, so plays in the same step have identical records.
    const bucket = (g: readonly number[]) => Math.floor(g[0] / 10);
    const o = resolveGAOptions({ population: 30, generations: 6, hallOfFame: 5 });
    const r = recorder((g) => -Math.abs(bucket(g) - 6) - bucket(g) / 1000);
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'hof'), r);
    const fitness = state.hallOfFame.map((h) => h.evaluation.fitness);
    expect(new Set(fitness).size).toBe(fitness.length);
    const all = r.calls.flat();
    for (const h of state.hallOfFame) {
      const same = all.filter((g) => bucket(g) === bucket(h.genome));
      expect(genomeKey(same[0])).toBe(h.key); // the first found keeps the place
      expect(h.equivalents).toBe(same.length - 1);
    }
  });

  it('method grid enumerates the space in nested-loop order and stops when it is exhausted', async () => {
    const genes: GeneDef[] = [
      { path: 'int', kind: 'int', min: 1, max: 3, step: 1 },
      { path: 'float', kind: 'float', min: 0, max: 0.3, step: 0.1 },
    ];
    const o = resolveGAOptions({ method: 'grid', population: 5, generations: 100 });
    const r = recorder((g) => g[0] + g[1]);
    const state = await evolve(genes, o, initialState<E>(genes, o, 'g'), r);
    expect(r.calls.flat()).toEqual([1, 2, 3].flatMap((a) => [0, 0.1, 0.2, 0.3].map((b) => [a, b])));
    expect(state.stopped).toBe('exhausted');
    expect(state.hallOfFame[0].genome).toEqual([3, 0.3]);
    expect(() => checkGrid([{ path: 'x', kind: 'float', min: 0, max: 1, step: 0 }], 0)).toThrow(
      /gene x is a float without a step/,
    );
    expect(() =>
      checkGrid(
        [
          { path: 'int', kind: 'int', min: 1, max: 2000, step: 1 },
          { path: 'int', kind: 'int', min: 1, max: 2000, step: 1 },
        ],
        0,
      ),
    ).toThrow(/4,000,000 combinations/);
    expect(
      checkGrid(
        [
          { path: 'int', kind: 'int', min: 1, max: 2000, step: 1 },
          { path: 'int', kind: 'int', min: 1, max: 2000, step: 1 },
        ],
        500,
      ),
    ).toBe(4_000_000);
  });

  it('method random draws distinct uniform plays up to the budget, deterministically', async () => {
    const o = resolveGAOptions({ method: 'random', population: 25, budget: 60 });
    const a = recorder();
    const b = recorder();
    await evolve(GENES, o, initialState<E>(GENES, o, 's'), a);
    await evolve(GENES, o, initialState<E>(GENES, o, 's'), b);
    const keys = a.calls.flat().map(genomeKey);
    expect(keys.length).toBe(60);
    expect(new Set(keys).size).toBe(60);
    expect(b.calls).toEqual(a.calls);
  });

  it('a small space ends as exhausted instead of looping on cache hits', async () => {
    const genes: GeneDef[] = [{ path: 'int', kind: 'int', min: 0, max: 3, step: 1 }];
    const o = resolveGAOptions({ population: 6, budget: 100 });
    const r = recorder((g) => g[0]);
    const state = await evolve(genes, o, initialState<E>(genes, o, 'x'), r);
    expect(state.evaluated).toBe(4);
    expect(state.stopped).toBe('exhausted');
  });
});
