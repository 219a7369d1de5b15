import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { parsePlay, type PlaySpace } from '../../engine/play/index.js';
import type { Feed } from '../../engine/types.js';
import { LruFeatureCache } from '../eval/cache.js';
import { moments } from '../stats/sharpe.js';
import { errorText, runInSample } from './backtest.js';
import { bootstrapGuard } from './guards/bootstrap.js';
import { concentrationGuard } from './guards/concentration.js';
import { permutationGuard } from './guards/permutation.js';
import { regimeGuard } from './guards/regime.js';
import { sensitivityGuard } from './guards/sensitivity.js';
import { stressGuard } from './guards/stress.js';
import {
  errored,
  finiteOrNull,
  type GuardResult,
  type ItemResult,
  type PlayContext,
  type PlayProfile,
  type RegimeData,
  type ValidateItem,
  type ValidateJob,
} from './types.js';

// One item of work, the same function in a worker thread and in the main thread (--workers 1), so
// a serial run and a parallel one compute the same numbers. Each item draws from its own rng seeded
// from (--seed, guard, play), never from a stream shared across items: which thread runs an item,
// and in what order, cannot change what it draws.

/** The seed of one guard of one play: a hash, so seeds of neighbouring plays are unrelated. */
export function itemSeed(seed: string, task: string, genomeKey: string): string {
  return createHash('sha256').update(`forge-validate\0${seed}\0${task}\0${genomeKey}`).digest('hex').slice(0, 32);
}

const CACHE_BYTES = 256 * 1024 * 1024;

export interface TaskEnv {
  readonly job: ValidateJob;
  readonly space: PlaySpace;
  readonly feeds: Readonly<Record<string, Feed>>;
  readonly cache: LruFeatureCache;
  readonly regimes: readonly RegimeData[];
}

export function createTaskEnv(
  job: ValidateJob,
  feeds: Readonly<Record<string, Feed>>,
  regimes: readonly Omit<RegimeData, 'cache'>[],
): TaskEnv {
  return {
    job,
    space: parsePlay(job.playText, job.playFile),
    feeds,
    cache: new LruFeatureCache(CACHE_BYTES),
    regimes: regimes.map((r) => ({ ...r, cache: new LruFeatureCache(CACHE_BYTES / 4) })),
  };
}

/** Skewness and kurtosis of the play's in-sample bar returns (equity close to close), for the DSR. */
function profile(ctx: PlayContext): PlayProfile {
  try {
    const eq = runInSample(ctx).result.equity;
    const r = new Float64Array(eq.length - 1);
    for (let t = 1; t < eq.length; t++) r[t - 1] = eq[t] / eq[t - 1] - 1;
    const m = moments(r);
    return { bars: r.length, skew: finiteOrNull(m.skew), kurt: finiteOrNull(m.kurt) };
  } catch (err) {
    return { bars: 0, skew: null, kurt: null, error: errorText(err) };
  }
}

export function runItem(env: TaskEnv, item: ValidateItem): ItemResult {
  const { job } = env;
  const ctx: PlayContext = {
    space: env.space,
    genome: item.genome,
    feeds: env.feeds,
    inSample: job.inSample,
    cash: job.cash,
    fitness: job.fitness,
    cache: env.cache,
  };
  const rng = seedrandom.alea(item.seed);
  const c = job.config;
  switch (item.task) {
    case 'profile':
      return { kind: 'profile', profile: profile(ctx) };
    case 'permutation':
      return { kind: 'guard', guard: permutationGuard(ctx, c.permutation, rng) };
    case 'bootstrap':
      return { kind: 'guard', guard: bootstrapGuard(ctx, c.bootstrap, rng) };
    case 'sensitivity':
      return { kind: 'guard', guard: sensitivityGuard(ctx, c.sensitivity) };
    case 'stress':
      return { kind: 'guard', guard: stressGuard(ctx, c.stress) };
    case 'concentration':
      return { kind: 'guard', guard: concentrationGuard(ctx, c.concentration) };
    case 'regime':
      return { kind: 'guard', guard: regimeGuard(ctx, env.regimes, job.regimeSkips, c.regime) };
  }
}

/** What an item becomes when its batch crashed a worker twice (the pool gives up on it). */
export function crashedItem(item: ValidateItem, job: ValidateJob, message: string): ItemResult {
  if (item.task === 'profile') return { kind: 'profile', profile: { bars: 0, skew: null, kurt: null, error: message } };
  const c = job.config;
  const spec: Record<typeof item.task, [number, GuardResult['rule'], string]> = {
    permutation: [c.permutation.maxP, '<', 'p-value'],
    bootstrap: [c.bootstrap.minLower, '>', 'annualised Sharpe (CI lower bound)'],
    sensitivity: [c.sensitivity.maxDispersionPct, '<', '% relative sd of fitness'],
    stress: [c.stress.minSharpe, '>', `annualised Sharpe at ${c.stress.at}x costs`],
    concentration: [c.concentration.maxPct, '<', '% of net profit'],
    regime: [c.regime.minProfitableShare, '>', 'share of regimes profitable'],
  };
  const [threshold, rule, unit] = spec[item.task];
  return { kind: 'guard', guard: errored(item.task, threshold, rule, unit, message) };
}
