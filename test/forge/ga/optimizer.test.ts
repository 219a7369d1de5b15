import { describe, expect, it } from 'vitest';
import type { GeneDef } from '../../../src/engine/play/index.js';
import { genomeKey } from '../../../src/forge/ga/genome.js';
import { EvaluatedSet } from '../../../src/forge/ga/evaluated.js';
import { evolve, initialState, type GAState } from '../../../src/forge/ga/optimizer.js';
import { resolveGAOptions } from '../../../src/forge/ga/options.js';

const GENES: GeneDef[] = [
  { path: 'int', kind: 'int', min: 5, max: 200, step: 1 },
  { path: 'float', kind: 'float', min: 0.5, max: 4, step: 0.1 },
  { path: 'choice', kind: 'choice', min: 0, max: 3, step: 1 },
  { path: 'bool', kind: 'bool', min: 0, max: 1, step: 1 },
];

// A landscape with a known optimum: x = 60, y = 2.5, choice 2, rule on. Max fitness 0.
const landscape = (g: number[]) =>
  -Math.abs(g[0] - 60) / 10 - Math.abs(g[1] - 2.5) - (g[2] === 2 ? 0 : 3) - (g[3] === 1 ? 0 : 2);

type E = { fitness: number; x: number };

function hooks(calls: number[][][]) {
  return {
    evaluate: async (genomes: number[][]) => {
      calls.push(genomes);
      return genomes.map((g) => ({ fitness: landscape(g), x: g[0] }));
    },
  };
}

const json = (s: GAState<E>) => JSON.stringify({ hof: s.hallOfFame, stats: s.stats, pop: s.population, rng: s.rng });

describe('GeneticOptimizer', () => {
  it('finds the optimum of a known landscape', async () => {
    const o = resolveGAOptions({ population: 60, generations: 40 });
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 7), hooks([]));
    const best = state.hallOfFame[0];
    expect(best.evaluation.fitness).toBeGreaterThan(-0.6);
    expect(best.genome[2]).toBe(2);
    expect(best.genome[3]).toBe(1);
    expect(state.stats.length).toBe(40);
    // Elitism: the best fitness never gets worse from one generation to the next.
    for (let i = 1; i < state.stats.length; i++)
      expect(state.stats[i].best).toBeGreaterThanOrEqual(state.stats[i - 1].best);
  });

  it('never evaluates an identical genome twice', async () => {
    const calls: number[][][] = [];
    const o = resolveGAOptions({ population: 40, generations: 15 });
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'dedupe'), hooks(calls));
    const keys = calls.flat().map(genomeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(state.evaluated);
    const reused = state.stats.reduce((s, g) => s + g.reused, 0);
    expect(reused).toBeGreaterThan(0); // elites alone are reused every generation
  });

  it('gives the same result for the same seed and a different one for another seed', async () => {
    const o = resolveGAOptions({ population: 30, generations: 8 });
    const a = await evolve(GENES, o, initialState<E>(GENES, o, 1), hooks([]));
    const b = await evolve(GENES, o, initialState<E>(GENES, o, 1), hooks([]));
    const c = await evolve(GENES, o, initialState<E>(GENES, o, 2), hooks([]));
    expect(json(a)).toBe(json(b));
    expect(json(a)).not.toBe(json(c));
  });

  it('resumes from a serialised checkpoint to exactly the uninterrupted result', async () => {
    const o = resolveGAOptions({ population: 30, generations: 12 });
    const straight = await evolve(GENES, o, initialState<E>(GENES, o, 'resume'), hooks([]));

    let checkpoint = '';
    let generations = 0;
    const stopAfter5 = {
      ...hooks([]),
      onGeneration: (s: GAState<E>) => {
        checkpoint = JSON.stringify(s);
        generations++;
      },
      shouldStop: () => generations >= 5,
    };
    const calls: number[][][] = [];
    await evolve(GENES, o, initialState<E>(GENES, o, 'resume'), { ...stopAfter5, evaluate: hooks(calls).evaluate });
    const restored = JSON.parse(checkpoint) as GAState<E>;
    expect(restored.generation).toBe(5);
    // The checkpoint holds no evaluations: the caller rebuilds what was evaluated (evolve reads its Parquet files).
    expect(checkpoint).not.toContain('evaluations');
    const seen = new EvaluatedSet();
    for (const g of calls.flat()) seen.add(g, landscape(g));
    const resumed = await evolve(GENES, o, restored, hooks([]), seen);
    expect(json(resumed)).toBe(json(straight));
  });

  it('stops after `patience` generations without improvement', async () => {
    const o = resolveGAOptions({ population: 20, generations: 200, patience: 3 });
    const flat = { evaluate: async (g: number[][]) => g.map(() => ({ fitness: 1, x: 0 })) };
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'p'), flat);
    expect(state.stopped).toBe('patience');
    expect(state.generation).toBe(4); // generation 0 sets the best, 1..3 are stale
  });

  it('adds random immigrants when diversity collapses', async () => {
    const o = resolveGAOptions({
      population: 20,
      generations: 6,
      mutationRate: 0,
      crossoverRate: 0,
      diversityThreshold: 1,
      immigrantShare: 0.25,
    });
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'imm'), hooks([]));
    expect(state.stats.every((s) => s.immigrants === 5)).toBe(true);
  });

  it('keeps one hall-of-fame place per strategy identity', async () => {
    const o = resolveGAOptions({ population: 30, generations: 5, hallOfFame: 5 });
    // Pretend only the int gene matters: genomes equal on it are the same strategy.
    const state = await evolve(GENES, o, initialState<E>(GENES, o, 'id'), {
      ...hooks([]),
      identity: (g) => String(g[0]),
    });
    const ids = state.hallOfFame.map((h) => h.genome[0]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(state.hallOfFame.length).toBe(5);
    // Still the best first: no entry beats the one before it.
    for (let i = 1; i < state.hallOfFame.length; i++)
      expect(state.hallOfFame[i].evaluation.fitness).toBeLessThanOrEqual(state.hallOfFame[i - 1].evaluation.fitness);
  });

  it('validates options naming the field', () => {
    expect(() => resolveGAOptions({ population: 1 })).toThrow(/ga\.population/);
    expect(() => resolveGAOptions({ elitism: 200, population: 10 })).toThrow(/ga\.elitism/);
    expect(() => resolveGAOptions({ crossover: 'one-point' as never })).toThrow(
      /ga\.crossover.*uniform \| blend \| sbx/,
    );
    expect(() => resolveGAOptions({ populaton: 5 } as never)).toThrow(
      /ga\.populaton: unknown setting, did you mean 'population'\?/,
    );
  });
});
