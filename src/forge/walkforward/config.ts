import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { checkSearchSize, checkWorkers, genesIn } from '../config/bounds.js';
import { checkLayer } from '../config/issues.js';
import { camel, defined, mergeLayers, renameKeys, snake } from '../config/merge.js';
import { readSettingsFile } from '../config/read.js';
import * as z from 'zod';
import { choice, numOrOff, num, parsed, redisUrl, seed, section, text, workers } from '../config/schema.js';
import { FITNESS_DEFAULTS, FITNESS_SCHEMA, resolveFitness, type FitnessSpec } from '../fitness.js';
import { GA_EXAMPLES, GA_SCHEMA, resolveGAOptions, type GAOptions } from '../ga/options.js';
import { RUN_DEFAULTS as EVOLVE_DEFAULTS } from '../runs/types.js';
import { DEFAULT_CRITERIA, type Criteria } from './aggregate.js';
import { checkSpec, parseSpan, type Span, type WindowMode } from './windows.js';

// A walk-forward run's configuration: YAML (configs/walkforward.yaml) and/or flags, flags win. The
// resolved config is what the run id hashes; the worker count is operational and is not part of it.

export interface WalkforwardConfig {
  readonly kind: 'walkforward';
  readonly dataset: string;
  readonly play: string;
  readonly seed: string;
  readonly cash: number;
  readonly mode: WindowMode;
  readonly train: Span;
  readonly test: Span;
  readonly step: Span;
  readonly fitness: FitnessSpec;
  /** The GA budget of each window's search. */
  readonly ga: GAOptions;
  readonly criteria: Criteria;
}

export interface WalkforwardInput {
  dataset?: string;
  play?: string;
  seed?: string | number;
  cash?: number;
  mode?: string;
  train?: string | number;
  test?: string | number;
  step?: string | number;
  fitness?: Partial<FitnessSpec>;
  ga?: Partial<GAOptions>;
  criteria?: Partial<Criteria>;
  workers?: number | 'auto';
  /** Operational like workers: where `forge worker` processes take the windows' evaluations. */
  redis?: string;
}

/** A smaller budget than evolve's: it runs once per window. */
export const WF_DEFAULTS = Object.freeze({
  mode: 'rolling' as WindowMode,
  train: '180d',
  test: '30d',
  population: 40,
  generations: 10,
});

const span = (key: string) => parsed('a length like 180d, 36h, 4w or 4000bars', (v) => parseSpan(v, key));

/** A walk-forward config as YAML spells it (`verdict:` holds the criteria); flags are checked against it too. */
export const WALKFORWARD_SCHEMA = z.strictObject({
  dataset: text('a dataset name'),
  play: text('the path of a play file'),
  seed: seed(),
  cash: num({ gt: 0, want: 'a positive amount' }),
  mode: choice(['rolling', 'anchored'], {
    says: (v) => `'${v}' is not a window mode`,
    fix: 'use --mode rolling (the training range slides) or --mode anchored (it grows from the first bar)',
  }),
  train: span('train'),
  test: span('test'),
  step: span('step'),
  fitness: FITNESS_SCHEMA.optional(),
  ga: GA_SCHEMA.optional(),
  verdict: section({
    min_oos_return: numOrOff(),
    max_degradation: numOrOff(),
    min_consistency: numOrOff(),
    min_profitable_share: numOrOff(),
    min_wfe: numOrOff(),
  }),
  workers: workers(),
  redis: redisUrl(),
});

const YAML_NAMES = { criteria: 'verdict' };
const CODE_NAMES = { verdict: 'criteria' };
const EXAMPLES = {
  ...EVOLVE_DEFAULTS,
  ...WF_DEFAULTS,
  fitness: renameKeys(FITNESS_DEFAULTS, snake),
  ga: GA_EXAMPLES,
  verdict: renameKeys({ ...DEFAULT_CRITERIA, minWfe: 0.6 }, snake),
};
const toYaml = (input: WalkforwardInput) => renameKeys(defined(input), snake, YAML_NAMES);

export function readWalkforwardFile(file: string): WalkforwardInput {
  const doc = checkLayer(WALKFORWARD_SCHEMA, readSettingsFile(file, { example: 'configs/walkforward.yaml' }), {
    where: file,
    examples: EXAMPLES,
  });
  const input = renameKeys(doc, camel, CODE_NAMES) as WalkforwardInput;
  // A play path is relative to the config file when such a file exists.
  const playPath = input.play === undefined ? undefined : path.resolve(path.dirname(file), input.play);
  return { ...input, play: playPath && fs.existsSync(playPath) ? playPath : input.play };
}

/** Merges file settings, then flags, over the defaults and validates all of it. */
export function resolveWalkforwardConfig(
  file: WalkforwardInput,
  flags: WalkforwardInput,
  defaultPlay: string,
): { config: WalkforwardConfig; workers: number | undefined; redis: string | undefined; warnings: string[] } {
  for (const layer of [file, flags]) checkLayer(WALKFORWARD_SCHEMA, toYaml(layer), { examples: EXAMPLES });
  const base: WalkforwardInput = {
    ...EVOLVE_DEFAULTS,
    play: defaultPlay,
    mode: WF_DEFAULTS.mode,
    train: WF_DEFAULTS.train,
    test: WF_DEFAULTS.test,
    ga: { population: WF_DEFAULTS.population, generations: WF_DEFAULTS.generations },
    criteria: DEFAULT_CRITERIA,
  };
  const m = mergeLayers(base, defined(file), defined(flags));
  const test = parseSpan(m.test!, 'test');
  const config: WalkforwardConfig = {
    kind: 'walkforward',
    dataset: m.dataset!,
    play: path.resolve(m.play!),
    seed: String(m.seed),
    cash: m.cash!,
    mode: m.mode as WindowMode,
    train: parseSpan(m.train!, 'train'),
    test,
    // By default each test range starts where the previous one ended.
    step: m.step !== undefined ? parseSpan(m.step, 'step') : test,
    fitness: resolveFitness(m.fitness),
    ga: resolveGAOptions(budgetOnly(m.ga, file.ga, flags.ga)),
    criteria: Object.freeze({ ...(m.criteria as Criteria) }),
  };
  checkSpec(config);
  if (!fs.existsSync(config.play))
    throw new ForgeError(
      `play: ${config.play} does not exist`,
      'give a play file with genes, e.g. --play configs/plays/wf_trend_1h.yaml',
      'E_CONFIG',
    );
  checkSearchSize(config.ga, genesIn(config.play));
  const workers = m.workers === 'auto' ? undefined : m.workers;
  const warning = checkWorkers(workers);
  return { config, workers, redis: m.redis, warnings: warning ? [warning] : [] };
}

/** With a budget and no generations given in the file or flags, the budget alone stops each window's search. */
function budgetOnly(
  ga: Partial<GAOptions> | undefined,
  ...given: (Partial<GAOptions> | undefined)[]
): Partial<GAOptions> | undefined {
  if (!ga?.budget || given.some((g) => g?.generations !== undefined)) return ga;
  const { generations: _default, ...rest } = ga;
  return rest;
}
