import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { RUN_DEFAULTS as EVOLVE_DEFAULTS } from '../runs/types.js';
import { FITNESS_DEFAULTS, resolveFitness, type FitnessSpec } from '../fitness.js';
import { DEFAULTS as GA_DEFAULTS, resolveGAOptions, type GAOptions } from '../ga/options.js';
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
}

/** A smaller budget than evolve's: it runs once per window. */
export const WF_DEFAULTS = Object.freeze({ mode: 'rolling' as WindowMode, train: '180d', test: '30d', population: 40, generations: 10 });

const TOP_KEYS = ['dataset', 'play', 'seed', 'cash', 'mode', 'train', 'test', 'step', 'fitness', 'ga', 'verdict', 'workers'];
const FITNESS_KEYS: Record<string, keyof FitnessSpec> = { objective: 'objective', min_trades: 'minTrades', max_drawdown: 'maxDrawdown' };
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const GA_KEYS = Object.fromEntries(Object.keys(GA_DEFAULTS).map((k) => [snake(k), k])) as Record<string, keyof GAOptions>;
const VERDICT_KEYS: Record<string, keyof Criteria> = {
  min_oos_return: 'minOosReturn',
  max_degradation: 'maxDegradation',
  min_consistency: 'minConsistency',
  min_profitable_share: 'minProfitableShare',
  min_wfe: 'minWfe',
};

function checkKeys(file: string, prefix: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new ForgeError(`${file}: ${prefix}${k}: unknown setting${suggestion(k, known)}`, `known settings here: ${known.join(', ')}`, 'E_CONFIG');
  }
}

export function readWalkforwardFile(file: string): WalkforwardInput {
  if (!fs.existsSync(file)) throw new ForgeError(`config file ${file} does not exist`, 'give a path like configs/walkforward.yaml', 'E_CONFIG');
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ForgeError(`${file}: not valid YAML: ${(err as Error).message}`, 'fix the YAML syntax', 'E_CONFIG');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ForgeError(`${file}: expected a mapping of settings`, 'see configs/walkforward.yaml', 'E_CONFIG');
  const d = doc as Record<string, unknown>;
  checkKeys(file, '', d, TOP_KEYS);
  const section = <K extends string>(name: string, keys: Record<string, K>): Partial<Record<K, unknown>> | undefined => {
    const v = d[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw new ForgeError(`${file}: ${name}: expected a mapping`, 'see configs/walkforward.yaml', 'E_CONFIG');
    checkKeys(file, `${name}.`, v as Record<string, unknown>, Object.keys(keys));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [keys[k], x])) as Partial<Record<K, unknown>>;
  };
  const playPath = d.play === undefined ? undefined : path.resolve(path.dirname(file), String(d.play));
  return {
    dataset: d.dataset as string | undefined,
    play: playPath && fs.existsSync(playPath) ? playPath : (d.play as string | undefined),
    seed: d.seed as string | number | undefined,
    cash: d.cash as number | undefined,
    mode: d.mode as string | undefined,
    train: d.train as string | undefined,
    test: d.test as string | undefined,
    step: d.step as string | undefined,
    fitness: section('fitness', FITNESS_KEYS) as Partial<FitnessSpec> | undefined,
    ga: section('ga', GA_KEYS) as Partial<GAOptions> | undefined,
    criteria: section('verdict', VERDICT_KEYS) as Partial<Criteria> | undefined,
    workers: d.workers as number | 'auto' | undefined,
  };
}

function clean<T extends object>(o: T | undefined): Partial<T> {
  return o ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>) : {};
}

function resolveCriteria(partial: Partial<Criteria>): Criteria {
  const c = { ...DEFAULT_CRITERIA, ...partial };
  for (const [key, v] of Object.entries(c)) {
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v))) {
      throw new ForgeError(`verdict.${snake(key)}: got ${JSON.stringify(v)}, expected a number or null (off)`, `e.g. ${snake(key)}: ${String(DEFAULT_CRITERIA[key as keyof Criteria] ?? 0.6)}`, 'E_CONFIG');
    }
  }
  return Object.freeze(c);
}

/** Merges file settings, then flags, over the defaults and validates all of it. */
export function resolveWalkforwardConfig(file: WalkforwardInput, flags: WalkforwardInput, defaultPlay: string): { config: WalkforwardConfig; workers: number | undefined } {
  const pick = <T>(a: T | undefined, b: T | undefined, d: T): T => (a !== undefined ? a : b !== undefined ? b : d);
  const mode = pick(flags.mode, file.mode, WF_DEFAULTS.mode);
  if (mode !== 'rolling' && mode !== 'anchored') {
    throw new ForgeError(`mode: '${mode}' is not a window mode${suggestion(String(mode), ['rolling', 'anchored'])}`, 'use --mode rolling (the training range slides) or --mode anchored (it grows from the first bar)', 'E_CONFIG');
  }
  const test = parseSpan(pick(flags.test, file.test, WF_DEFAULTS.test), 'test');
  const config: WalkforwardConfig = {
    kind: 'walkforward',
    dataset: pick(flags.dataset, file.dataset, EVOLVE_DEFAULTS.dataset),
    play: path.resolve(pick(flags.play, file.play, defaultPlay)),
    seed: String(pick(flags.seed, file.seed, EVOLVE_DEFAULTS.seed)),
    cash: pick(flags.cash, file.cash, EVOLVE_DEFAULTS.cash),
    mode,
    train: parseSpan(pick(flags.train, file.train, WF_DEFAULTS.train), 'train'),
    test,
    // By default each test range starts where the previous one ended.
    step: flags.step !== undefined || file.step !== undefined ? parseSpan(pick(flags.step, file.step, ''), 'step') : test,
    fitness: resolveFitness({ ...FITNESS_DEFAULTS, ...clean(file.fitness), ...clean(flags.fitness) }),
    ga: resolveGAOptions({ population: WF_DEFAULTS.population, generations: WF_DEFAULTS.generations, ...clean(file.ga), ...clean(flags.ga) }),
    criteria: resolveCriteria({ ...clean(file.criteria), ...clean(flags.criteria) }),
  };
  checkSpec(config);
  if (!(config.cash > 0)) throw new ForgeError(`cash: got ${config.cash}, expected a positive amount`, 'e.g. --cash 10000', 'E_CONFIG');
  if (!fs.existsSync(config.play)) throw new ForgeError(`play: ${config.play} does not exist`, 'give a play file with genes, e.g. --play configs/plays/wf_trend_1h.yaml', 'E_CONFIG');
  const workers = pick(flags.workers, file.workers, 'auto' as const);
  if (workers !== 'auto' && !(Number.isInteger(Number(workers)) && Number(workers) >= 1)) {
    throw new ForgeError(`workers: got ${JSON.stringify(workers)}, expected an integer >= 1 or auto`, 'e.g. --workers 2', 'E_CONFIG');
  }
  return { config, workers: workers === 'auto' ? undefined : Number(workers) };
}
