import { type GeneDef, randomGenome } from '../../engine/play/index.js';
import { breedChildren, finishBreed, freshFilter, retry } from './breed.js';
import { latinHypercube } from './design.js';
import { EvaluatedSet, type Identity } from './evaluated.js';
import { diversity } from './genome.js';
import { gridPoint, gridSize } from './grid.js';
import { updateHallOfFame, type Fresh, type HallEntry } from './hall-of-fame.js';
import { updateNiches, type Niche } from './niches.js';
import type { GAOptions } from './options.js';
import { createRng, type RngState, type SeededRng } from './rng.js';

export type { HallEntry };

// The search loop only selects, mates, mutates and calls `evaluate` (the map over a generation), so the
// worker pool plugs in as `evaluate` and the loop itself stays serial and deterministic: results come
// back in input order and the RNG is never touched while a generation is being evaluated. `method`
// swaps only how the next population is made (breeding, a grid chunk, random samples); records, hall
// of fame, budget and checkpoints are the same for all three.

/** What an evaluation returns; the optimizer reads only `fitness`, the rest is carried to the hall of fame. */
export interface Evaluated {
  readonly fitness: number;
}

/** Per-generation figures; nothing time-dependent, so runs compare byte for byte. */
export interface GenerationStats {
  readonly generation: number;
  readonly evaluated: number; // new evaluations this generation
  readonly reused: number; // individuals whose genome (or an equivalent play) was evaluated before
  readonly best: number;
  readonly mean: number;
  readonly median: number;
  readonly worst: number;
  readonly std: number;
  readonly diversity: number;
  readonly immigrants: number; // random immigrants added to the NEXT generation (diversity or restart)
}

export type StopReason = 'generations' | 'patience' | 'budget' | 'exhausted';

/**
 * Everything needed to continue a search exactly where it stopped, JSON-serialisable and O(population):
 * the evaluations themselves live in the caller's per-generation files and come back as an EvaluatedSet.
 */
export interface GAState<E extends Evaluated> {
  readonly version: 2;
  /** Completed generations; `population` is generation number `generation` (0-based), not yet evaluated. */
  generation: number;
  population: number[][];
  rng: RngState;
  bestFitness: number | null;
  stale: number;
  /** Distinct plays evaluated so far (what a budget counts) and slots served from the cache. */
  evaluated: number;
  reused: number;
  /** Generations in a row that found nothing new to evaluate. */
  idle: number;
  /** method grid: index of the next grid point. */
  cursor: number;
  hallOfFame: HallEntry<E>[];
  /** The best play of each of a few separate regions found so far: local steps start there. */
  niches?: Niche[];
  stats: GenerationStats[];
  stopped: null | StopReason;
}

export interface GeneticOptimizerHooks<E extends Evaluated> {
  /** The map: evaluate genomes, results in the same order. */
  evaluate(genomes: number[][]): Promise<E[]>;
  /** After each generation: the new state and that generation's new evaluations (persist, checkpoint, report). */
  onGeneration?(state: GAState<E>, stats: GenerationStats, fresh: Fresh<E>[]): Promise<void> | void;
  /** Checked between generations (time budget, Ctrl-C); true stops the loop with the state resumable. */
  shouldStop?(): boolean;
  /**
   * What makes two genomes the same strategy (default: the genome itself). Genomes that differ only in
   * genes with no effect (params of an indicator not chosen, a threshold of a rule switched off) are
   * evaluated once and share one hall-of-fame place.
   */
  identity?: Identity;
  /**
   * The identities of many genomes at once, computed elsewhere (the pool's workers, in parallel; null
   * where a genome does not resolve). Optional: it only moves work off the loop, results are the same.
   */
  identities?(genomes: number[][]): Promise<(string | null)[]>;
  /** What makes two results the same strategy in the hall of fame (default: the whole record). */
  fingerprint?(evaluation: E): string;
}

/** Generations in a row without a new play after which a search of a small space stops as exhausted. */
export const IDLE_LIMIT = 10;

export function initialState<E extends Evaluated>(
  genes: readonly GeneDef[],
  options: GAOptions,
  seed: string | number,
): GAState<E> {
  const rng = createRng(seed);
  const first = options.method === 'grid' ? Math.min(options.population, gridSize(genes)) : options.population;
  const population =
    options.method === 'ga' && options.init === 'lhs'
      ? latinHypercube(genes, first, rng)
      : Array.from({ length: first }, (_, i) =>
          options.method === 'grid' ? gridPoint(genes, i) : randomGenome(genes, rng),
        );
  return {
    version: 2,
    generation: 0,
    population,
    rng: rng.state(),
    bestFitness: null,
    stale: 0,
    evaluated: 0,
    reused: 0,
    idle: 0,
    cursor: first,
    hallOfFame: [],
    stats: [],
    stopped: null,
  };
}

/**
 * Runs generations until generations, budget, patience, exhaustion or `shouldStop` ends it. Mutates and
 * returns `state`. `seen` holds what was evaluated before (rebuilt by the caller when resuming).
 */
export async function evolve<E extends Evaluated>(
  genes: readonly GeneDef[],
  options: GAOptions,
  state: GAState<E>,
  hooks: GeneticOptimizerHooks<E>,
  seen: EvaluatedSet = new EvaluatedSet(hooks.identity),
): Promise<GAState<E>> {
  const rng = createRng('', state.rng);
  while (state.stopped === null && state.generation < options.generations) {
    if (hooks.shouldStop?.()) return state;
    await primeIdentities(seen, state.population, hooks);
    const { fresh, fitness } = await evaluateGeneration(state, hooks, seen, options.budget);
    const spread = diversity(state.population, genes);
    const summary = summarise(fitness);
    if (summary.best > (state.bestFitness ?? -Infinity)) {
      state.bestFitness = summary.best;
      state.stale = 0;
    } else {
      state.stale++;
    }
    state.idle = fresh.length === 0 ? state.idle + 1 : 0;
    state.hallOfFame = updateHallOfFame(
      state.hallOfFame,
      fresh,
      state.generation,
      options.hallOfFame,
      seen.identity,
      hooks.fingerprint,
    );
    if (options.method === 'ga' && options.localShare > 0)
      state.niches = updateNiches(
        state.niches ?? [],
        fresh.map((f) => ({ genome: f.genome, fitness: f.evaluation.fitness })),
        genes,
        options.niches,
        options.nicheRadius,
      );
    const immigrants = options.method === 'ga' ? immigrantCount(state, spread, options) : 0;
    const stats: GenerationStats = {
      generation: state.generation,
      evaluated: fresh.length,
      reused: state.population.length - fresh.length,
      ...summary,
      diversity: spread,
      immigrants,
    };
    state.stopped = stopReason(state, options, genes);
    if (state.stopped === null || state.stopped === 'generations') {
      state.population = await nextPopulation(state, fitness, genes, options, immigrants, rng, seen, hooks);
    }
    state.rng = rng.state();
    state.stats.push(stats);
    state.generation++;
    if (state.stopped === null && state.generation >= options.generations) state.stopped = 'generations';
    await hooks.onGeneration?.(state, stats, fresh);
  }
  return state;
}

function stopReason<E extends Evaluated>(
  state: GAState<E>,
  o: GAOptions,
  genes: readonly GeneDef[],
): StopReason | null {
  if (o.budget > 0 && state.evaluated >= o.budget) return 'budget';
  if (o.patience > 0 && state.stale >= o.patience) return 'patience';
  if (o.method === 'grid' && state.cursor >= gridSize(genes)) return 'exhausted';
  if (state.idle >= IDLE_LIMIT) return 'exhausted';
  return null;
}

/** Random immigrants for the next generation: a share when diversity collapsed, more at a restart. */
function immigrantCount<E extends Evaluated>(state: GAState<E>, spread: number, o: GAOptions): number {
  const room = o.population - o.elitism;
  const restart =
    o.restartAfter > 0 && state.stale > 0 && state.stale % o.restartAfter === 0 ? Math.round(o.restartShare * room) : 0;
  const low = spread < o.diversityThreshold ? Math.round(o.immigrantShare * o.population) : 0;
  return Math.min(room, Math.max(restart, low));
}

/** Has the identities of `genomes` not yet known computed by hooks.identities (when given) and memoised. */
async function primeIdentities<E extends Evaluated>(
  seen: EvaluatedSet,
  genomes: readonly number[][],
  hooks: GeneticOptimizerHooks<E>,
): Promise<void> {
  if (hooks.identities === undefined) return;
  const unknown = seen.unknown(genomes);
  if (unknown.length > 0) seen.prime(unknown, await hooks.identities(unknown));
}

async function nextPopulation<E extends Evaluated>(
  state: GAState<E>,
  fitness: readonly number[],
  genes: readonly GeneDef[],
  o: GAOptions,
  immigrants: number,
  rng: SeededRng,
  seen: EvaluatedSet,
  hooks: GeneticOptimizerHooks<E>,
): Promise<number[][]> {
  if (o.method === 'ga') {
    const brood = breedChildren(state.population, fitness, genes, o, immigrants, rng, state.niches ?? []);
    await primeIdentities(seen, [...brood.elites, ...brood.local.map((l) => l.child), ...brood.children], hooks);
    return finishBreed(brood, genes, o, immigrants, rng, seen);
  }
  if (o.method === 'grid') {
    const end = Math.min(state.cursor + o.population, gridSize(genes));
    const chunk = Array.from({ length: end - state.cursor }, (_, i) => gridPoint(genes, state.cursor + i));
    state.cursor = end;
    return chunk;
  }
  const { fresh, take } = freshFilter(seen);
  return Array.from({ length: o.population }, () => {
    const g = retry(randomGenome(genes, rng), fresh, () => randomGenome(genes, rng), o.retries);
    take(g);
    return g;
  });
}

/**
 * Evaluates the plays of the population not seen before, each strategy once, at most up to the budget;
 * members the budget leaves unevaluated are dropped from this (last) generation. Returns the fresh
 * evaluations in population order and the population's fitness.
 */
async function evaluateGeneration<E extends Evaluated>(
  state: GAState<E>,
  hooks: GeneticOptimizerHooks<E>,
  seen: EvaluatedSet,
  budget: number,
) {
  const room = budget > 0 ? Math.max(0, budget - state.evaluated) : Infinity;
  const pending: number[][] = [];
  const pendingIds = new Set<string>();
  const keep: number[][] = [];
  for (const genome of state.population) {
    const id = seen.identity(genome);
    if (seen.has(genome, id) || pendingIds.has(id)) {
      keep.push(genome);
    } else if (pending.length < room) {
      pendingIds.add(id);
      pending.push(genome);
      keep.push(genome);
    }
  }
  state.population = keep;
  const results = pending.length > 0 ? await hooks.evaluate(pending) : [];
  if (results.length !== pending.length)
    throw new Error(`internal: evaluate returned ${results.length} results for ${pending.length} genomes`);
  const fresh = pending.map((genome, i) => ({ genome, evaluation: results[i] }));
  for (const { genome, evaluation } of fresh) seen.add(genome, evaluation.fitness);
  state.evaluated += fresh.length;
  state.reused += keep.length - fresh.length;
  const fitness = keep.map((g) => seen.fitnessOf(g) as number);
  return { fresh, fitness };
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
