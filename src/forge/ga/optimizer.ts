import { cxBlend, cxSimulatedBinary, cxUniform } from './crossover.js';
import { diversity, genomeKey, randomGenome, type GeneBounds } from './genome.js';
import { mutCreep, mutGaussian, mutReset } from './mutation.js';
import type { GAOptions } from './options.js';
import { createRng, type RngState, type SeededRng } from './rng.js';
import { selBest, selTournament } from './selection.js';

// The GA loop only selects, mates, mutates and calls `evaluate` (the map over a generation), so the
// worker pool plugs in as `evaluate` and the loop itself stays serial and deterministic: results come
// back in input order and the RNG is never touched while a generation is being evaluated.

/** What an evaluation returns; the optimizer reads only `fitness`, the rest is carried to the hall of fame. */
export interface Evaluated {
  readonly fitness: number;
}

export interface HallEntry<E extends Evaluated> {
  readonly key: string;
  readonly genome: number[];
  readonly generation: number;
  readonly evaluation: E;
}

/** Per-generation figures; nothing time-dependent, so runs compare byte for byte. */
export interface GenerationStats {
  readonly generation: number;
  readonly evaluated: number; // new evaluations this generation
  readonly reused: number; // individuals whose genome was evaluated before
  readonly best: number;
  readonly mean: number;
  readonly median: number;
  readonly worst: number;
  readonly std: number;
  readonly diversity: number;
  readonly immigrants: number; // random immigrants added to the NEXT generation
}

/** Everything needed to continue a search exactly where it stopped. JSON-serialisable. */
export interface GAState<E extends Evaluated> {
  readonly version: 1;
  /** Completed generations; `population` is generation number `generation` (0-based), not yet evaluated. */
  generation: number;
  population: number[][];
  rng: RngState;
  bestFitness: number | null;
  stale: number;
  hallOfFame: HallEntry<E>[];
  stats: GenerationStats[];
  /** Every genome evaluated so far, by key: identical genomes are never evaluated twice. */
  evaluations: Record<string, E>;
  stopped: null | 'generations' | 'patience';
}

export interface GeneticOptimizerHooks<E extends Evaluated> {
  /** The map: evaluate genomes, results in the same order. */
  evaluate(genomes: number[][]): Promise<E[]>;
  /** Called after each generation with the new state and that generation's new evaluations (persist, checkpoint, report). */
  onGeneration?(state: GAState<E>, stats: GenerationStats, fresh: { genome: number[]; evaluation: E }[]): Promise<void> | void;
  /** Checked between generations (time budget, Ctrl-C); true stops the loop with the state resumable. */
  shouldStop?(): boolean;
  /**
   * What makes two genomes the same strategy (default: the genome itself). Genomes that differ only in
   * genes with no effect (params of an indicator not chosen, a threshold of a rule switched off) share
   * one hall-of-fame place, so the hall of fame lists different strategies.
   */
  identity?(genome: readonly number[]): string;
}

export function initialState<E extends Evaluated>(genes: readonly GeneBounds[], options: GAOptions, seed: string | number): GAState<E> {
  const rng = createRng(seed);
  const population = Array.from({ length: options.population }, () => randomGenome(genes, rng));
  return { version: 1, generation: 0, population, rng: rng.state(), bestFitness: null, stale: 0, hallOfFame: [], stats: [], evaluations: {}, stopped: null };
}

/** Runs generations until the budget, patience or `shouldStop` ends it. Mutates and returns `state`. */
export async function evolve<E extends Evaluated>(
  genes: readonly GeneBounds[],
  options: GAOptions,
  state: GAState<E>,
  hooks: GeneticOptimizerHooks<E>,
): Promise<GAState<E>> {
  const rng = createRng('', state.rng);
  while (state.generation < options.generations && state.stopped !== 'patience') {
    if (hooks.shouldStop?.()) return state;
    const { evaluated, fresh } = await evaluateGeneration(state, hooks);
    const fitness = state.population.map((g) => state.evaluations[genomeKey(g)].fitness);
    const spread = diversity(state.population, genes);
    const immigrants = spread < options.diversityThreshold ? Math.round(options.immigrantShare * options.population) : 0;
    const finalStats: GenerationStats = {
      generation: state.generation,
      evaluated,
      reused: state.population.length - evaluated,
      ...summarise(fitness),
      diversity: spread,
      immigrants,
    };
    updateHallOfFame(state, options.hallOfFame, hooks.identity ?? genomeKey);

    if (state.bestFitness === null || finalStats.best > state.bestFitness) {
      state.bestFitness = finalStats.best;
      state.stale = 0;
    } else {
      state.stale++;
    }
    state.population = breed(state.population, fitness, genes, options, immigrants, rng);
    state.rng = rng.state();
    state.stats.push(finalStats);
    state.generation++;
    if (options.patience > 0 && state.stale >= options.patience) state.stopped = 'patience';
    else if (state.generation >= options.generations) state.stopped = 'generations';
    await hooks.onGeneration?.(state, finalStats, fresh);
  }
  return state;
}

/** Evaluates the genomes of the population not seen before (each distinct genome once). */
async function evaluateGeneration<E extends Evaluated>(state: GAState<E>, hooks: GeneticOptimizerHooks<E>) {
  const pending: number[][] = [];
  const pendingKeys = new Set<string>();
  for (const genome of state.population) {
    const key = genomeKey(genome);
    if (!(key in state.evaluations) && !pendingKeys.has(key)) {
      pendingKeys.add(key);
      pending.push(genome);
    }
  }
  const results = pending.length > 0 ? await hooks.evaluate(pending) : [];
  if (results.length !== pending.length) throw new Error(`internal: evaluate returned ${results.length} results for ${pending.length} genomes`);
  const fresh = pending.map((genome, i) => ({ genome, evaluation: results[i] }));
  for (const { genome, evaluation } of fresh) state.evaluations[genomeKey(genome)] = evaluation;
  return { evaluated: pending.length, fresh };
}

/** Distribution of the finite fitness values (failed plays carry non-finite fitness and are left out). */
function summarise(values: readonly number[]): Pick<GenerationStats, 'best' | 'mean' | 'median' | 'worst' | 'std'> {
  const sorted = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { best: NaN, mean: NaN, median: NaN, worst: NaN, std: NaN };
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  const std = Math.sqrt(sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { best: sorted[n - 1], mean, median, worst: sorted[0], std };
}

/** The best distinct strategies ever evaluated, best first, ties broken by key so the order is stable. */
function updateHallOfFame<E extends Evaluated>(state: GAState<E>, size: number, identity: (genome: readonly number[]) => string): void {
  const byKey = new Map(state.hallOfFame.map((h) => [h.key, h]));
  for (const genome of state.population) {
    const key = genomeKey(genome);
    if (!byKey.has(key)) byKey.set(key, { key, genome: genome.slice(), generation: state.generation, evaluation: state.evaluations[key] });
  }
  const ranked = [...byKey.values()]
    .filter((h) => Number.isFinite(h.evaluation.fitness))
    .sort((a, b) => b.evaluation.fitness - a.evaluation.fitness || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const seen = new Set<string>();
  state.hallOfFame = [];
  for (const h of ranked) {
    const id = identity(h.genome);
    if (seen.has(id)) continue;
    seen.add(id);
    state.hallOfFame.push(h);
    if (state.hallOfFame.length === size) break;
  }
}

/** Elites, then tournament-selected children of crossover and mutation, then random immigrants. */
export function breed(
  population: readonly number[][],
  fitness: readonly number[],
  genes: readonly GeneBounds[],
  o: GAOptions,
  immigrants: number,
  rng: SeededRng,
): number[][] {
  const next: number[][] = selBest(fitness, o.elitism).map((i) => population[i].slice());
  const childCount = o.population - next.length - immigrants;
  const parents = selTournament(fitness, childCount + (childCount % 2), o.tournamentSize, rng);
  const children: number[][] = [];
  for (let p = 0; p < parents.length; p += 2) {
    let a = population[parents[p]];
    let b = population[parents[p + 1]];
    if (rng() < o.crossoverRate) [a, b] = mate(a, b, genes, o, rng);
    children.push(rng() < o.mutationRate ? mutate(a, genes, o, rng) : a.slice());
    children.push(rng() < o.mutationRate ? mutate(b, genes, o, rng) : b.slice());
  }
  next.push(...children.slice(0, childCount));
  for (let i = 0; i < immigrants; i++) next.push(randomGenome(genes, rng));
  return next;
}

function mate(a: number[], b: number[], genes: readonly GeneBounds[], o: GAOptions, rng: SeededRng): [number[], number[]] {
  switch (o.crossover) {
    case 'uniform':
      return cxUniform(a, b, 0.5, rng);
    case 'blend':
      return cxBlend(a, b, genes, o.blendAlpha, rng);
    case 'sbx':
      return cxSimulatedBinary(a, b, genes, o.sbxEta, rng);
  }
}

function mutate(ind: number[], genes: readonly GeneBounds[], o: GAOptions, rng: SeededRng): number[] {
  switch (o.mutation) {
    case 'gaussian':
      return mutGaussian(ind, genes, o.sigma, o.geneRate, rng);
    case 'creep':
      return mutCreep(ind, genes, o.creepSteps, o.geneRate, rng);
    case 'reset':
      return mutReset(ind, genes, o.geneRate, rng);
  }
}
