import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { checkSearchSize, checkWorkers, genesIn } from '../config/bounds.js';
import { checkLayer } from '../config/issues.js';
import { camel, defined, mergeLayers, renameKeys, snake } from '../config/merge.js';
import { readSettingsFile } from '../config/read.js';
import * as z from 'zod';
import { choice, names, num, parsed, redisUrl, seed, share, text, workers } from '../config/schema.js';
import { FITNESS_DEFAULTS, FITNESS_SCHEMA, resolveFitness, type FitnessSpec } from '../fitness.js';
import { GA_EXAMPLES, GA_SCHEMA, resolveGAOptions, type GAOptions } from '../ga/options.js';
import { RUN_DEFAULTS, type EvolveConfig } from '../runs/types.js';
import { parseBytes, parseDuration } from '../units.js';
import type { DataPolicy } from '../datasets/sync.js';

export type { EvolveConfig };

// An evolve run's configuration: a YAML file (configs/*.yaml) and/or flags; flags override the file.
// The resolved config is what the run id hashes, minus the operational knobs that cannot change the
// result (worker count, time budget, output, when to give up on failing evaluations).

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
  /**
   * A generation whose share of failed evaluations reaches this stops the run (exit 1, resumable).
   * Default 1: only a generation where every evaluation failed. Operational: a run that completes
   * finds the same result whatever it says, so it stays out of the run id.
   */
  readonly maxFailedShare?: number;
  /** Redis URL: evaluate on `forge worker` processes through a BullMQ queue instead of local threads. */
  readonly redis?: string;
  /** Auto-sync of missing candles and the --synthetic rule (see datasets/sync.ts). */
  readonly data?: DataPolicy;
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
  maxFailedShare?: number;
  redis?: string;
}

export const EVOLVE_DEFAULTS = RUN_DEFAULTS;

/**
 * An evolve config as YAML spells it; flags are checked against it too, so a value is refused the same
 * way from either.
 */
export const EVOLVE_SCHEMA = z.strictObject({
  dataset: text('a dataset name, e.g. BTCUSDT_FULL_CYCLE'),
  regimes: names('a dataset name or a list of them'),
  across: choice(['min', 'mean'], { fix: 'use across: min (the worst regime decides) or mean' }),
  play: text('the path of a play file'),
  seed: seed(),
  holdout: parsed('a share of the window like 20% or 0.2', (v) => parseHoldout(v)),
  cash: num({ gt: 0, want: 'a positive amount' }),
  fitness: FITNESS_SCHEMA.optional(),
  ga: GA_SCHEMA.optional(),
  workers: workers(),
  max_wall: parsed('a duration like 8h', (v) => parseDuration(v)),
  feature_memory: parsed('a memory size like 512MB', (v) => parseBytes(v, 'feature_memory')),
  max_failed_share: share('e.g. max_failed_share: 0.5 stops the run at a generation where half the evaluations fail'),
  redis: redisUrl(),
});

const EXAMPLES = {
  ...RUN_DEFAULTS,
  holdout: '20%',
  max_wall: '8h',
  feature_memory: '512MB',
  max_failed_share: 1,
  fitness: renameKeys(FITNESS_DEFAULTS, snake),
  ga: GA_EXAMPLES,
};
const toYaml = (input: EvolveInput) => renameKeys(defined(input), snake);

/** Reads a YAML evolve config into EvolveInput, naming file and key on every error. */
export function readEvolveFile(file: string): EvolveInput {
  const doc = checkLayer(EVOLVE_SCHEMA, readSettingsFile(file, { example: 'configs/overnight.yaml' }), {
    where: file,
    examples: EXAMPLES,
  });
  const input = renameKeys(doc, camel) as EvolveInput & { regimes?: string | string[] };
  // A play path is relative to the config file when such a file exists.
  const playPath = input.play === undefined ? undefined : path.resolve(path.dirname(file), input.play);
  return {
    ...input,
    regimes: typeof input.regimes === 'string' ? [input.regimes] : input.regimes,
    play: playPath && fs.existsSync(playPath) ? playPath : input.play,
  };
}

/** Merges file settings, then flags, over the defaults and validates all of it. */
export function resolveEvolveConfig(
  file: EvolveInput,
  flags: EvolveInput,
  defaultPlay: string,
): { config: EvolveConfig; operational: EvolveOperational; warnings: string[] } {
  // The file was checked with its name when read; this catches flags (NaN, 2.5) and programmatic input.
  for (const layer of [file, flags]) checkLayer(EVOLVE_SCHEMA, toYaml(layer), { examples: EXAMPLES });
  const m = mergeLayers<EvolveInput>(
    { ...RUN_DEFAULTS, regimes: [], across: 'min', play: defaultPlay },
    defined(file),
    defined(flags),
  );
  const config: EvolveConfig = {
    dataset: m.dataset!,
    regimes: typeof m.regimes === 'string' ? [m.regimes] : m.regimes!,
    across: m.across!,
    play: path.resolve(m.play!),
    seed: String(m.seed),
    holdout: parseHoldout(m.holdout!),
    cash: m.cash!,
    fitness: resolveFitness(m.fitness),
    ga: resolveGAOptions(m.ga),
  };
  if (config.regimes.includes(config.dataset))
    throw new ForgeError(
      `regimes: '${config.dataset}' is already the main dataset`,
      'list only the other regime datasets',
      'E_CONFIG',
    );
  if (!fs.existsSync(config.play))
    throw new ForgeError(
      `play: ${config.play} does not exist`,
      'give a play file, e.g. --play configs/plays/default.yaml',
      'E_CONFIG',
    );
  checkSearchSize(config.ga, genesIn(config.play));
  const operational: EvolveOperational = {
    workers: m.workers === 'auto' ? undefined : m.workers,
    maxWallMs: m.maxWall === undefined ? undefined : parseDuration(m.maxWall),
    featureMemory: m.featureMemory === undefined ? undefined : parseBytes(m.featureMemory, 'feature_memory'),
    maxFailedShare: m.maxFailedShare,
    redis: m.redis,
  };
  const warning = checkWorkers(operational.workers);
  return { config, operational, warnings: warning ? [warning] : [] };
}

/** '20%', '0.2' or 0.2 → 0.2; the holdout must leave both parts non-empty. */
export function parseHoldout(v: string | number): number {
  const s = String(v).trim();
  const x = s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s);
  if (!(s !== '' && x >= 0 && x < 0.9))
    throw new ForgeError(
      `holdout: '${v}' is not a share of the window in [0, 90%)`,
      'use e.g. --holdout 20% (or 0 to disable)',
      'E_CONFIG',
    );
  return x;
}
