import seedrandom from 'seedrandom';
import { defaultGenome, parsePlay, randomGenome, resolvePlay } from '../../engine/play/index.js';
import { FITNESS_DEFAULTS } from '../fitness.js';
import type { EvalJob } from '../eval/evaluator.js';
import { evaluationPool } from '../eval/pool.js';
import type { FeatureStoreStats } from '../eval/feature-store.js';
import type { EvalTaskResult } from '../eval/runtime.js';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import type { Feed } from '../../engine/types.js';

// Evaluations per second through the real evaluation pool (the one evolve uses: the shared feature
// stage, then batches on piscina threads over the shared dataset), fed in generations like the GA.

export interface PoolRunOptions {
  readonly workers: number;
  /** Evaluations to time (the first generation's cold features included, as in a real run). */
  readonly evals: number;
  /** Items per map call (the GA's population). */
  readonly population: number;
  readonly seed: string;
  /** Share held out for the out-of-sample report, as `forge evolve` does (0.2); 0 = one backtest per evaluation. */
  readonly holdout: number;
  readonly cacheBytes: number;
  /** Budget of the shared feature store (default: the evaluation pool's). */
  readonly featureMemory?: number;
  /** Every evaluation on worker threads, none on the main thread (the memory check's per-thread figures). */
  readonly threadsOnly?: boolean;
}

export interface PoolRunResult {
  readonly workers: number;
  readonly evals: number;
  readonly wallMs: number;
  readonly evalsPerSec: number;
  /** Sum of the workers' busy time over workers x wall time. */
  readonly utilisation: number;
  readonly cacheHitRate: number;
  readonly failed: number;
  /** Largest per-worker memory seen after a batch (heap + external, this worker's isolate only). */
  readonly peakWorkerBytes: number;
  readonly peakCacheBytes: number;
  /** Per-worker memory after start-up (feeds viewed, nothing computed): the floor that must not depend on bars. */
  readonly baselineWorkerBytes: number;
  /** The shared feature store over the timed part: hit rate, bytes held, evictions. */
  readonly features: FeatureStoreStats;
  /** Wall time of the feature stage within wallMs, and features workers computed outside it. */
  readonly featureMs: number;
  readonly localComputes: number;
}

/** In-sample and held-out time ranges of `feed`: the last `holdout` share of its bars held out (0: none). */
export function holdoutRanges(feed: Feed, holdout: number): Pick<EvalJob, 'inSample' | 'outOfSample'> {
  const n = feed.length;
  const end = feed.time[n - 1] + feed.tfMs;
  const split = Math.floor(n * (1 - holdout));
  if (holdout <= 0 || split >= n) return { inSample: [feed.time[0], end], outOfSample: null };
  return { inSample: [feed.time[0], feed.time[split]], outOfSample: [feed.time[split], end] };
}

export function evalJob(playText: string, playFile: string, exec: Feed, holdout: number, cacheBytes: number): EvalJob {
  return { playText, playFile, cash: 10_000, ...holdoutRanges(exec, holdout), fitness: FITNESS_DEFAULTS, cacheBytes };
}

/** Random genomes of a play (seeded): what a GA's first generations look like. */
export function randomGenomes(playText: string, count: number, seed: string): number[][] {
  const space = parsePlay(playText, 'bench');
  const rng = seedrandom(seed);
  return Array.from({ length: count }, () => randomGenome(space.genes, rng));
}

/**
 * Times `genomes` through a fresh pool in map calls of `population`. `warmup` genomes (if any) go
 * through the same pool first, untimed: workers started, JIT warm, their features cached.
 */
export async function measurePool(
  playText: string,
  shared: SharedDataset,
  genomes: readonly number[][],
  o: Omit<PoolRunOptions, 'evals' | 'seed'>,
  warmup: readonly number[][] = [],
): Promise<PoolRunResult & { readonly warmupMs: number }> {
  const space = parsePlay(playText, 'bench');
  const exec = sharedFeeds(shared)[resolvePlay(space, defaultGenome(space.genes)).market.tf];
  const job = evalJob(playText, 'bench', exec, o.holdout, o.cacheBytes);
  const pool = evaluationPool(job, shared, [], {
    workers: o.workers,
    featureMemory: o.featureMemory,
    keepEventLoopFree: o.threadsOnly === true,
  });
  try {
    const w0 = performance.now();
    if (warmup.length > 0) await pool.map(warmup);
    const warmupMs = performance.now() - w0;
    const before = pool.stats();
    const results: EvalTaskResult[] = [];
    const t0 = performance.now();
    for (let start = 0; start < genomes.length; start += o.population) {
      results.push(...(await pool.map(genomes.slice(start, start + o.population))));
    }
    const wallMs = performance.now() - t0;
    const after = pool.stats();
    const f = after.features;
    const features: FeatureStoreStats = {
      ...f,
      requests: f.requests - before.features.requests,
      hits: f.hits - before.features.hits,
      computed: f.computed - before.features.computed,
      evictions: f.evictions - before.features.evictions,
    };
    return {
      ...summarise(results, o.workers, genomes.length, wallMs, features),
      featureMs: after.featureMs - before.featureMs,
      localComputes: after.localComputes - before.localComputes,
      warmupMs,
    };
  } finally {
    await pool.close();
  }
}

function summarise(
  results: readonly EvalTaskResult[],
  workers: number,
  evals: number,
  wallMs: number,
  features: FeatureStoreStats,
): Omit<PoolRunResult, 'featureMs' | 'localComputes'> {
  let busy = 0;
  let failed = 0;
  let peak = 0;
  let peakCache = 0;
  let baseline = 0;
  // Memory per worker from the worker threads when there are any: with 2 or more workers the main
  // thread evaluates too (pool/hybrid.ts), and its heap holds the whole search besides its share.
  const threaded = results.some((r) => r.threadId !== 0);
  for (const r of results) {
    busy += r.busyMs;
    failed += r.records.filter((x) => x.error !== undefined).length;
    if (threaded && r.threadId === 0) continue;
    peak = Math.max(peak, r.memory.bytes);
    peakCache = Math.max(peakCache, r.memory.privateBytes);
    baseline = Math.max(baseline, r.baseline.bytes);
  }
  return {
    workers,
    evals,
    wallMs,
    evalsPerSec: (evals / wallMs) * 1000,
    utilisation: busy / (workers * wallMs),
    cacheHitRate: features.requests > 0 ? features.hits / features.requests : 0,
    features,
    failed,
    peakWorkerBytes: peak,
    peakCacheBytes: peakCache,
    baselineWorkerBytes: baseline,
  };
}
