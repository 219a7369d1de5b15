import { type GeneDef, randomGenome } from '../../engine/play/index.js';
import { cxBlend, cxSimulatedBinary, cxUniform } from './crossover.js';
import { EvaluatedSet } from './evaluated.js';
import { mutCreep, mutGaussian, mutReset, mutStep } from './mutation.js';
import type { Niche } from './niches.js';
import type { GAOptions } from './options.js';
import type { SeededRng } from './rng.js';
import { selBest, selTournament } from './selection.js';

// Making the next population. Every slot should buy a new evaluation: a child that was evaluated
// already, or cannot behave differently from a play that was (`seen` says), or repeats another child
// (or an equivalent) of this generation, is altered again, up to `retries` times: half the tries mutate
// it, a quarter reset half its genes, the last quarter draw whole random plays, so a converged
// population can still step out. A child still not new keeps its slot (a cache hit).

/** What was evaluated, and what makes two plays the same (see EvaluatedSet). */
export type Seen = Pick<EvaluatedSet, 'has' | 'identity'>;

/** A set of plays that also refuses any play with the identity of one in it or in `seen`. */
export function freshFilter(seen: Seen, start: readonly number[][] = []) {
  const taken = new Set(start.map((g) => seen.identity(g)));
  return {
    fresh: (g: readonly number[]) => {
      const id = seen.identity(g);
      return !taken.has(id) && !seen.has(g, id);
    },
    take: (g: readonly number[]) => void taken.add(seen.identity(g)),
  };
}

/** Elites, then tournament-selected children of crossover and mutation, then random immigrants. */
export function breed(
  population: readonly number[][],
  fitness: readonly number[],
  genes: readonly GeneDef[],
  o: GAOptions,
  immigrants: number,
  rng: SeededRng,
  seen: Seen = new EvaluatedSet(),
): number[][] {
  return finishBreed(breedChildren(population, fitness, genes, o, immigrants, rng), genes, o, immigrants, rng, seen);
}

/** The first part of breed: elites and the children of selection, crossover and mutation (not yet checked). */
export interface Brood {
  readonly elites: number[][];
  /** Steps from the best plays (their parents alongside): a retry steps again from the parent. */
  readonly local: { readonly parent: number[]; readonly child: number[] }[];
  readonly children: number[][];
}

/**
 * breed's draws up to the freshness checks. Split from finishBreed so the caller can have the children's
 * identities computed in parallel (the pool's workers) in between; the random draws stay in one order.
 */
export function breedChildren(
  population: readonly number[][],
  fitness: readonly number[],
  genes: readonly GeneDef[],
  o: GAOptions,
  immigrants: number,
  rng: SeededRng,
  niches: readonly Niche[] = [],
): Brood {
  const elites: number[][] = selBest(fitness, o.elitism).map((i) => population[i].slice());
  const room = o.population - elites.length - immigrants;
  const local = localSteps(niches, Math.min(room, Math.round(o.localShare * room)), genes, o, rng);
  const childCount = room - local.length;
  const parents = selTournament(fitness, childCount + (childCount % 2), o.tournamentSize, rng);
  const children: number[][] = [];
  for (let p = 0; p < parents.length; p += 2) {
    let a = population[parents[p]];
    let b = population[parents[p + 1]];
    if (rng() < o.crossoverRate) [a, b] = mate(a, b, genes, o, rng);
    children.push(rng() < o.mutationRate ? mutate(a, genes, o, rng) : a.slice());
    children.push(rng() < o.mutationRate ? mutate(b, genes, o, rng) : b.slice());
  }
  return { elites, local, children: children.slice(0, childCount) };
}

/** Share of the local steps taken from the best niche; the rest go round all niches, the best included. */
const LOCAL_FOCUS = 0.5;
/**
 * Chance that a local step also moves each gene besides the one it picks: diagonals are neighbours too,
 * but one more gene on average, so a step in a play of many genes stays a step.
 */
const alsoMoved = (genes: readonly GeneDef[]) => Math.min(0.5, 1 / Math.max(1, genes.length - 1));

/**
 * `count` children one step (mutStep) from the niches' best plays: late in a search the optimum is
 * usually a neighbour of a play already found, which crossover and gaussian mutation rarely hit on a
 * rugged integer grid. On bench/search-quality.mjs's space (seeds 1-100) a 1,500-evaluation search
 * reached the optimum in 87 seeds without local steps and 100 with them; at 300, 23 and 58.
 * None before a niche exists.
 */
function localSteps(
  niches: readonly Niche[],
  count: number,
  genes: readonly GeneDef[],
  o: GAOptions,
  rng: SeededRng,
): { parent: number[]; child: number[] }[] {
  if (niches.length === 0) return [];
  const focus = Math.round(LOCAL_FOCUS * count);
  return Array.from({ length: count }, (_, i) => {
    const parent = niches[i < focus ? 0 : (i - focus) % niches.length].genome;
    return { parent, child: mutStep(parent, genes, o.localSteps, alsoMoved(genes), rng) };
  });
}

/** breed's second part: each child altered until it is new (see above), then the immigrants. */
export function finishBreed(
  brood: Brood,
  genes: readonly GeneDef[],
  o: GAOptions,
  immigrants: number,
  rng: SeededRng,
  seen: Seen,
): number[][] {
  const next = brood.elites.slice();
  const { fresh, take } = freshFilter(seen, next);
  const keep = (g: number[]) => {
    take(g);
    next.push(g);
  };
  // The first half of the tries stays near the child, the next quarter resets half its genes, the last
  // quarter draws random plays (an immigrant in its place).
  const alter = (c: number[], t: number) =>
    t * 2 < o.retries
      ? mutate(c, genes, o, rng)
      : t * 4 < 3 * o.retries
        ? mutReset(c, genes, 0.5, rng)
        : randomGenome(genes, rng);
  // A local step that was evaluated already steps again from its parent, a step further every third
  // try (its close neighbours are used up); past half the tries it is altered like any child.
  for (const { parent, child } of brood.local) {
    const step = (c: number[], t: number) =>
      t * 2 < o.retries ? mutStep(parent, genes, o.localSteps + Math.floor(t / 3), alsoMoved(genes), rng) : alter(c, t);
    keep(retry(child, fresh, step, o.retries));
  }
  for (const child of brood.children) keep(retry(child, fresh, alter, o.retries));
  for (let i = 0; i < immigrants; i++)
    keep(retry(randomGenome(genes, rng), fresh, () => randomGenome(genes, rng), o.retries));
  return next;
}

/** `genome`, or the first of up to `tries` alterations of it that `fresh` accepts, else the last one. */
export function retry(
  genome: number[],
  fresh: (g: number[]) => boolean,
  alter: (g: number[], attempt: number) => number[],
  tries: number,
): number[] {
  let g = genome;
  for (let t = 0; t < tries && !fresh(g); t++) g = alter(g, t);
  return g;
}

function mate(a: number[], b: number[], genes: readonly GeneDef[], o: GAOptions, rng: SeededRng): [number[], number[]] {
  switch (o.crossover) {
    case 'uniform':
      return cxUniform(a, b, 0.5, rng);
    case 'blend':
      return cxBlend(a, b, genes, o.blendAlpha, rng);
    case 'sbx':
      return cxSimulatedBinary(a, b, genes, o.sbxEta, rng);
  }
}

function mutate(ind: number[], genes: readonly GeneDef[], o: GAOptions, rng: SeededRng): number[] {
  switch (o.mutation) {
    case 'gaussian':
      return mutGaussian(ind, genes, o.sigma, o.geneRate, rng);
    case 'creep':
      return mutCreep(ind, genes, o.creepSteps, o.geneRate, rng);
    case 'reset':
      return mutReset(ind, genes, o.geneRate, rng);
  }
}
