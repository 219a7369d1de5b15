import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { FITNESS_DEFAULTS, resolveFitness, type FitnessSpec } from '../fitness.js';
import { DEFAULTS as GA_DEFAULTS, resolveGAOptions, type GAOptions } from '../ga/options.js';
import { RUN_DEFAULTS, type EvolveConfig } from '../runs/types.js';
import { parseBytes } from '../units.js';

export type { EvolveConfig };

// An evolve run's configuration: a YAML file (configs/*.yaml) and/or flags; flags override the file.
// The resolved config is what the run id hashes, minus the operational knobs that cannot change the
// result (worker count, time budget, output).

/** Knobs that change how a run goes, not what it finds. */
export interface EvolveOperational {
  readonly workers?: number;
  /** Batches per worker per generation (load balancing); cannot change results. */
  readonly batchesPerWorker?: number;
  /** Wall-clock budget in milliseconds; the run stops between generations and stays resumable. */
  readonly maxWallMs?: number;
  /** Byte budget of the shared feature store; cannot change results (a small one recomputes more). */
  readonly featureMemory?: number;
  /** How long the finished search waits for a store held by another command (default 30 s). */
  readonly storeWaitMs?: number;
}

export interface EvolveInput {
  dataset?: string;
  regimes?: string[];
  across?: 'min' | 'mean';
  play?: string;
  seed?: string | number;
  holdout?: string | number;
  cash?: number;
  fitness?: Partial<FitnessSpec>;
  ga?: Partial<GAOptions>;
  workers?: number | 'auto';
  maxWall?: string | number;
  featureMemory?: string | number;
}

export const EVOLVE_DEFAULTS = RUN_DEFAULTS;

const TOP_KEYS = ['dataset', 'regimes', 'across', 'play', 'seed', 'holdout', 'cash', 'fitness', 'ga', 'workers', 'max_wall', 'feature_memory'];
const FITNESS_KEYS: Record<string, keyof FitnessSpec> = { objective: 'objective', min_trades: 'minTrades', max_drawdown: 'maxDrawdown' };
const GA_KEYS: Record<string, keyof GAOptions> = Object.fromEntries(
  Object.keys(GA_DEFAULTS).map((k) => [k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()), k as keyof GAOptions]),
);

/** Reads a YAML evolve config into EvolveInput, naming file and key on every error. */
export function readEvolveFile(file: string): EvolveInput {
  if (!fs.existsSync(file)) throw new ForgeError(`config file ${file} does not exist`, 'give a path like configs/overnight.yaml', 'E_CONFIG');
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ForgeError(`${file}: not valid YAML: ${(err as Error).message}`, 'fix the YAML syntax', 'E_CONFIG');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ForgeError(`${file}: expected a mapping of settings`, 'see configs/overnight.yaml', 'E_CONFIG');
  const d = doc as Record<string, unknown>;
  checkKeys(file, '', d, TOP_KEYS);
  const section = <K extends string>(name: string, keys: Record<string, K>): Record<K, unknown> | undefined => {
    const v = d[name];
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ForgeError(`${file}: ${name}: expected a mapping`, `see configs/overnight.yaml`, 'E_CONFIG');
    checkKeys(file, `${name}.`, v as Record<string, unknown>, Object.keys(keys));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [keys[k], x])) as Record<K, unknown>;
  };
  const playPath = d.play === undefined ? undefined : path.resolve(path.dirname(file), String(d.play));
  return {
    dataset: d.dataset as string | undefined,
    regimes: d.regimes === undefined ? undefined : Array.isArray(d.regimes) ? d.regimes.map(String) : [String(d.regimes)],
    across: d.across as 'min' | 'mean' | undefined,
    play: playPath && fs.existsSync(playPath) ? playPath : (d.play as string | undefined),
    seed: d.seed as string | number | undefined,
    holdout: d.holdout as string | number | undefined,
    cash: d.cash as number | undefined,
    fitness: section('fitness', FITNESS_KEYS) as Partial<FitnessSpec> | undefined,
    ga: section('ga', GA_KEYS) as Partial<GAOptions> | undefined,
    workers: d.workers as number | 'auto' | undefined,
    maxWall: d.max_wall as string | number | undefined,
    featureMemory: d.feature_memory as string | number | undefined,
  };
}

function checkKeys(file: string, prefix: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) {
      throw new ForgeError(`${file}: ${prefix}${k}: unknown setting${suggestion(k, known)}`, `known settings here: ${known.join(', ')}`, 'E_CONFIG');
    }
  }
}

/** Merges file settings, then flags, over the defaults and validates all of it. */
export function resolveEvolveConfig(file: EvolveInput, flags: EvolveInput, defaultPlay: string): { config: EvolveConfig; operational: EvolveOperational } {
  const pick = <T>(a: T | undefined, b: T | undefined, d: T): T => (a !== undefined ? a : b !== undefined ? b : d);
  const config: EvolveConfig = {
    dataset: pick(flags.dataset, file.dataset, EVOLVE_DEFAULTS.dataset),
    regimes: pick(flags.regimes, file.regimes, []),
    across: pick(flags.across, file.across, 'min' as const),
    play: path.resolve(pick(flags.play, file.play, defaultPlay)),
    seed: String(pick(flags.seed, file.seed, EVOLVE_DEFAULTS.seed)),
    holdout: parseHoldout(pick(flags.holdout, file.holdout, EVOLVE_DEFAULTS.holdout)),
    cash: pick(flags.cash, file.cash, EVOLVE_DEFAULTS.cash),
    fitness: resolveFitness({ ...FITNESS_DEFAULTS, ...clean(file.fitness), ...clean(flags.fitness) }),
    ga: resolveGAOptions({ ...clean(file.ga), ...clean(flags.ga) }),
  };
  if (config.across !== 'min' && config.across !== 'mean') throw new ForgeError(`across: '${config.across}' is not min or mean`, 'use across: min (the worst regime decides) or mean', 'E_CONFIG');
  if (config.regimes.includes(config.dataset)) throw new ForgeError(`regimes: '${config.dataset}' is already the main dataset`, 'list only the other regime datasets', 'E_CONFIG');
  if (!(config.cash > 0)) throw new ForgeError(`cash: got ${config.cash}, expected a positive amount`, 'e.g. --cash 10000', 'E_CONFIG');
  if (!fs.existsSync(config.play)) throw new ForgeError(`play: ${config.play} does not exist`, 'give a play file, e.g. --play configs/plays/default.yaml', 'E_CONFIG');
  const workers = pick(flags.workers, file.workers, 'auto' as const);
  const wall = pick(flags.maxWall, file.maxWall, undefined);
  const featureMemory = pick(flags.featureMemory, file.featureMemory, undefined);
  const operational: EvolveOperational = {
    workers: workers === 'auto' ? undefined : Number(workers),
    maxWallMs: wall === undefined ? undefined : parseDuration(wall),
    featureMemory: featureMemory === undefined ? undefined : parseBytes(featureMemory, 'feature_memory'),
  };
  return { config, operational };
}

function clean<T extends object>(o: T | undefined): Partial<T> {
  return o ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>) : {};
}

/** '20%', '0.2' or 0.2 → 0.2; the holdout must leave both parts non-empty. */
export function parseHoldout(v: string | number): number {
  const s = String(v).trim();
  const x = s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s);
  if (!(x >= 0 && x < 0.9)) throw new ForgeError(`holdout: '${v}' is not a share of the window in [0, 90%)`, "use e.g. --holdout 20% (or 0 to disable)", 'E_CONFIG');
  return x;
}

/** '90s', '30m', '8h', '1d' or a number of seconds → milliseconds. */
export function parseDuration(v: string | number): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(String(v).trim());
  if (!m) throw new ForgeError(`max_wall: '${v}' is not a duration`, "use e.g. 90s, 30m, 8h or 1d", 'E_CONFIG');
  const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

