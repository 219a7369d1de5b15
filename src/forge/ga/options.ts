import { ForgeError, suggestion } from '../../engine/errors.js';

/** Every knob of the genetic search; `Partial<GAOptions>` from flags or YAML is merged once over DEFAULTS. */
export interface GAOptions {
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
  readonly hallOfFame: number;
}

export const DEFAULTS: GAOptions = Object.freeze({
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
  hallOfFame: 10,
});

const CHOICES = { crossover: ['uniform', 'blend', 'sbx'], mutation: ['gaussian', 'creep', 'reset'] } as const;

function check(ok: boolean, field: string, got: unknown, want: string): void {
  if (!ok) throw new ForgeError(`ga.${field}: got ${JSON.stringify(got)}, expected ${want}`, `set ${field} to ${want}`, 'E_GA_OPTION');
}

/** Merges `partial` over DEFAULTS and validates every field, naming the field on failure. */
export function resolveGAOptions(partial: Partial<GAOptions> = {}): GAOptions {
  for (const key of Object.keys(partial)) {
    if (!(key in DEFAULTS)) {
      throw new ForgeError(`ga.${key}: unknown option${suggestion(key, Object.keys(DEFAULTS))}`, `known options: ${Object.keys(DEFAULTS).join(', ')}`, 'E_GA_OPTION');
    }
  }
  const o: GAOptions = { ...DEFAULTS, ...stripUndefined(partial) };
  const int = (v: number) => Number.isInteger(v);
  check(int(o.population) && o.population >= 2, 'population', o.population, 'an integer >= 2');
  check(int(o.generations) && o.generations >= 1, 'generations', o.generations, 'an integer >= 1');
  check(int(o.elitism) && o.elitism >= 0 && o.elitism < o.population, 'elitism', o.elitism, `an integer in [0, population - 1 = ${o.population - 1}]`);
  check(int(o.tournamentSize) && o.tournamentSize >= 1, 'tournamentSize', o.tournamentSize, 'an integer >= 1');
  for (const f of ['crossoverRate', 'mutationRate', 'geneRate', 'diversityThreshold', 'immigrantShare'] as const) {
    check(o[f] >= 0 && o[f] <= 1, f, o[f], 'a number in [0, 1]');
  }
  check(CHOICES.crossover.includes(o.crossover), 'crossover', o.crossover, CHOICES.crossover.join(' | '));
  check(CHOICES.mutation.includes(o.mutation), 'mutation', o.mutation, CHOICES.mutation.join(' | '));
  check(o.blendAlpha >= 0, 'blendAlpha', o.blendAlpha, 'a number >= 0');
  check(o.sbxEta > 0, 'sbxEta', o.sbxEta, 'a number > 0');
  check(o.sigma > 0, 'sigma', o.sigma, 'a number > 0');
  check(int(o.creepSteps) && o.creepSteps >= 1, 'creepSteps', o.creepSteps, 'an integer >= 1');
  check(int(o.patience) && o.patience >= 0, 'patience', o.patience, 'an integer >= 0 (0 = off)');
  check(int(o.hallOfFame) && o.hallOfFame >= 1, 'hallOfFame', o.hallOfFame, 'an integer >= 1');
  return Object.freeze(o);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
