import { ForgeError } from '../../engine/errors.js';
import { checkLayer } from '../config/issues.js';
import { camel, defined, mergeLayers, renameKeys, snake } from '../config/merge.js';
import * as z from 'zod';
import { choice, int, num, share } from '../config/schema.js';

/** Every knob of the genetic search; `Partial<GAOptions>` from flags or YAML is merged once over DEFAULTS. */
export interface GAOptions {
  /** ga: evolve; grid: enumerate the genes in a fixed order; random: uniform samples. Same records and resume. */
  readonly method: 'ga' | 'grid' | 'random';
  /** Stop after this many distinct plays are evaluated (cache hits are free); 0 = no budget. */
  readonly budget: number;
  readonly population: number;
  readonly generations: number;
  /** Best individuals copied unchanged into the next generation. */
  readonly elitism: number;
  readonly tournamentSize: number;
  /** Probability that a pair of parents is recombined (else they are copied). */
  readonly crossoverRate: number;
  readonly crossover: 'uniform' | 'blend' | 'sbx';
  readonly blendAlpha: number;
  readonly sbxEta: number;
  /** Probability that a child is mutated at all. */
  readonly mutationRate: number;
  /** Per-gene probability inside a mutated child. */
  readonly geneRate: number;
  readonly mutation: 'gaussian' | 'creep' | 'reset';
  /** Gaussian sigma as a fraction of each gene's range. */
  readonly sigma: number;
  readonly creepSteps: number;
  /** Below this diversity (0..1) the worst `immigrantShare` of the population is replaced by random genomes. */
  readonly diversityThreshold: number;
  readonly immigrantShare: number;
  /** Stop after this many generations without a better best fitness; 0 = never. */
  readonly patience: number;
  /**
   * After this many generations without a better best, replace `restartShare` of the population
   * (never the elites) with new random plays, so the rest of the budget explores; 0 = off.
   */
  readonly restartAfter: number;
  readonly restartShare: number;
  /** The first population: a Latin hypercube (every gene's range covered evenly) or uniform draws. */
  readonly init: 'uniform' | 'lhs';
  /** Share of the children (after elites and immigrants) made by one step from a niche's best play; 0 = off. */
  readonly localShare: number;
  /** Largest move of a local step, in grid steps per gene (retries go further). */
  readonly localSteps: number;
  /** How many separate regions (niches) local steps start from: the best play of each. */
  readonly niches: number;
  /** Plays closer than this (largest gene gap, as a share of its range) are one niche. */
  readonly nicheRadius: number;
  /** A child that was evaluated already (or cannot differ from one that was) is mutated again up to this many times. */
  readonly retries: number;
  readonly hallOfFame: number;
}

export const DEFAULTS: GAOptions = Object.freeze({
  method: 'ga',
  budget: 0,
  population: 150,
  generations: 30,
  elitism: 2,
  tournamentSize: 3,
  crossoverRate: 0.7,
  crossover: 'sbx',
  blendAlpha: 0.3,
  sbxEta: 15,
  mutationRate: 0.3,
  geneRate: 0.2,
  mutation: 'gaussian',
  sigma: 0.1,
  creepSteps: 3,
  diversityThreshold: 0.05,
  immigrantShare: 0.2,
  patience: 0,
  restartAfter: 5,
  restartShare: 0.5,
  init: 'lhs',
  localShare: 0.25,
  localSteps: 1,
  niches: 3,
  nicheRadius: 0.1,
  retries: 12,
  hallOfFame: 10,
});

const CHOICES = {
  method: ['ga', 'grid', 'random'],
  crossover: ['uniform', 'blend', 'sbx'],
  mutation: ['gaussian', 'creep', 'reset'],
  init: ['uniform', 'lhs'],
} as const;

/** The `ga:` section as YAML spells it (snake_case); every command's config embeds this one schema. */
export const GA_SCHEMA = z.strictObject({
  method: choice(CHOICES.method),
  budget: int(0, { want: 'an integer >= 0 (distinct evaluations; 0 = no budget)' }),
  population: int(2),
  generations: int(1),
  elitism: int(0, { want: 'an integer >= 0 and below population' }),
  tournament_size: int(1),
  crossover_rate: share(),
  crossover: choice(CHOICES.crossover),
  blend_alpha: num({ min: 0 }),
  sbx_eta: num({ gt: 0 }),
  mutation_rate: share(),
  gene_rate: share(),
  mutation: choice(CHOICES.mutation),
  sigma: num({ gt: 0 }),
  creep_steps: int(1),
  diversity_threshold: share(),
  immigrant_share: share(),
  patience: int(0, { want: 'an integer >= 0 (0 = off)' }),
  restart_after: int(0, { want: 'an integer >= 0 (generations without improvement; 0 = off)' }),
  restart_share: share(),
  init: choice(CHOICES.init),
  local_share: share(),
  local_steps: int(1),
  niches: int(1),
  niche_radius: share(),
  retries: int(0),
  hall_of_fame: int(1),
});

/** DEFAULTS as YAML spells them, quoted in fixes ("e.g. population: 150"). */
export const GA_EXAMPLES = renameKeys(DEFAULTS, snake);

/**
 * Merges `partial` (code names) over DEFAULTS and validates every field, naming it as YAML does
 * (ga.tournament_size).
 */
export function resolveGAOptions(partial: Partial<GAOptions> = {}): GAOptions {
  const layer = checkLayer(GA_SCHEMA, renameKeys(defined(partial), snake), {
    examples: GA_EXAMPLES,
    code: 'E_GA_OPTION',
    under: 'ga',
  });
  const merged = budgetPopulation(mergeLayers(DEFAULTS, renameKeys(layer, camel)) as GAOptions, partial);
  // A budget is the stop; generations only stays a cap when given. Ten times the generations the budget
  // needs at full use leaves room for generations of cache hits in a small space (the loop also stops
  // once nothing new can be found: see 'exhausted' in optimizer.ts).
  const o: GAOptions =
    merged.budget > 0 && partial.generations === undefined
      ? { ...merged, generations: Math.max(DEFAULTS.generations, 10 * Math.ceil(merged.budget / merged.population)) }
      : merged;
  if (o.elitism >= o.population) {
    throw new ForgeError(
      `ga.elitism: got ${o.elitism}, expected an integer in [0, population - 1 = ${o.population - 1}]`,
      `set elitism below population (${o.population})`,
      'E_GA_OPTION',
    );
  }
  return Object.freeze(o);
}

/**
 * With a budget and no population given, the population is a twentieth of the budget within
 * [16, 150], so a small budget still gets about 20 generations to converge: at 300 evaluations the
 * default 150 left 2 generations and found 89 % of the optimum where 16 found 98 %
 * (bench/search-quality.mjs, bench/RESULTS.md).
 */
function budgetPopulation(o: GAOptions, partial: Partial<GAOptions>): GAOptions {
  if (!(o.budget > 0) || partial.population !== undefined) return o;
  const population = Math.min(DEFAULTS.population, Math.max(16, Math.round(o.budget / 20)));
  return { ...o, population, elitism: Math.min(o.elitism, population - 1) };
}
