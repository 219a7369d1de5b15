import type { Argv } from 'yargs';
import { OBJECTIVES, type FitnessSpec, type Objective } from '../forge/fitness.js';
import type { GAOptions } from '../forge/ga/options.js';
import { OFFLINE_OPTION, SYNTHETIC_OPTION } from './data-policy.js';

// The flags `forge evolve` and `forge walkforward` share (a GA search of a play on a dataset), declared
// and read once so that a flag cannot drift between the two commands. What each command says
// differently about a flag (its default, what it applies to) comes in as text.

/** The shared flags, as yargs hands them to a handler. */
export interface SearchArgs {
  offline: boolean;
  synthetic: boolean;
  config?: string;
  dataset?: string;
  play?: string;
  pop?: number;
  generations?: number;
  budget?: number;
  method?: 'ga' | 'grid' | 'random';
  seed?: string;
  workers?: number;
  'feature-memory'?: string;
  redis?: string;
  fitness?: string;
  'min-trades'?: number;
  'max-drawdown'?: number;
  cash?: number;
  name?: string;
  report?: string;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

/** The help text that differs between the commands. */
export interface SearchTexts {
  readonly config: string;
  readonly pop: string;
  readonly generations: string;
  readonly budget: string;
  readonly method: string;
  readonly seed: string;
  readonly fitness: string;
  readonly redis: string;
}

export function searchOptions<T>(y: Argv<T>, text: SearchTexts) {
  return y
    .option('config', { type: 'string', describe: text.config })
    .option('dataset', { type: 'string', describe: 'Dataset name from the catalog (default BTCUSDT_FULL_CYCLE)' })
    .option('play', {
      type: 'string',
      describe: 'Play file whose genes are searched (default configs/plays/default.yaml)',
    })
    .option('pop', { type: 'number', alias: 'population', describe: text.pop })
    .option('generations', { type: 'number', alias: 'g', describe: text.generations })
    .option('budget', { type: 'number', describe: text.budget })
    .option('method', { type: 'string', choices: ['ga', 'grid', 'random'] as const, describe: text.method })
    .option('seed', { type: 'string', describe: text.seed })
    .option('workers', {
      type: 'number',
      describe: 'Evaluating threads, the main thread one of them; 1 runs in-process (default: one per core)',
    })
    .option('feature-memory', {
      type: 'string',
      describe:
        'Budget of the shared feature store, e.g. 512MB or 2GB (default: ' +
        'a quarter of free memory, 64-512 MB); never changes results',
    })
    .option('redis', { type: 'string', describe: text.redis })
    .option('fitness', { type: 'string', choices: OBJECTIVES as unknown as string[], describe: text.fitness })
    .option('min-trades', { type: 'number', describe: 'Fewer in-sample trades is infeasible (default 10)' })
    .option('max-drawdown', {
      type: 'number',
      describe: 'Deeper in-sample drawdown (fraction) is infeasible (default 0.6)',
    })
    .option('cash', { type: 'number', describe: 'Starting cash (default 10000)' })
    .option('offline', OFFLINE_OPTION)
    .option('synthetic', SYNTHETIC_OPTION)
    .option('name', {
      type: 'string',
      describe: 'A label for the run, shown beside its id everywhere (forge runs ls, reports)',
    })
    .option('report', {
      type: 'string',
      describe: 'At the end, write the HTML report (to this file; bare --report: <run folder>/report.html)',
    });
}

/** The shared flags as a config layer over the file (undefined: not given, the file or default stands). */
export function searchFlags(argv: SearchArgs): {
  dataset?: string;
  play?: string;
  seed?: string;
  cash?: number;
  fitness: Partial<FitnessSpec>;
  ga: Partial<GAOptions>;
  workers?: number;
  redis?: string;
} {
  return {
    dataset: argv.dataset,
    play: argv.play,
    seed: argv.seed,
    cash: argv.cash,
    fitness: {
      objective: argv.fitness as Objective | undefined,
      minTrades: argv['min-trades'],
      maxDrawdown: argv['max-drawdown'],
    },
    ga: { population: argv.pop, generations: argv.generations, budget: argv.budget, method: argv.method },
    workers: argv.workers,
    redis: argv.redis,
  };
}
