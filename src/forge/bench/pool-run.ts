import seedrandom from 'seedrandom';
import { defaultGenome, parsePlay, randomGenome, resolvePlay } from '../../engine/play/index.js';
import { FITNESS_DEFAULTS } from '../fitness.js';
import type { EvalJob } from '../eval/evaluator.js';
import { threadPool } from '../pool/pool.js';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import type { Feed } from '../../engine/types.js';
import type { BenchBatchResult } from './worker.js';

// Evaluations per second through the real pool: piscina threads over the shared dataset, each running
// the evolve evaluator (src/forge/bench/worker.ts), fed in generations like the GA feeds it.

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
  return Array.from({ length: count }, () => randomGenome(space, rng));
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
  const pool = threadPool<number[], BenchBatchResult>(
    new URL('./worker.ts', import.meta.url),
    { workers: o.workers, batchesPerWorker: 4, workerData: { job, dataset: shared } },
    (items, error) => ({ records: items.map(() => ({ fitness: -1e6, inSample: null, outOfSample: null, error: error.message })), cacheHits: 0, cacheMisses: 0, heapUsed: 0, threadId: -1, busyMs: 0, after: { bytes: 0, heapUsed: 0, external: 0, cacheBytes: 0 } }),
  );
  try {
    const w0 = performance.now();
    if (warmup.length > 0) await pool.map(warmup);
    const warmupMs = performance.now() - w0;
    const results: BenchBatchResult[] = [];
    const t0 = performance.now();
    for (let start = 0; start < genomes.length; start += o.population) {
      results.push(...(await pool.map(genomes.slice(start, start + o.population))));
    }
    const wallMs = performance.now() - t0;
    return { ...summarise(results, o.workers, genomes.length, wallMs), warmupMs };
  } finally {
    await pool.close();
  }
}

function summarise(results: readonly BenchBatchResult[], workers: number, evals: number, wallMs: number): PoolRunResult {
  let hits = 0;
  let misses = 0;
  let busy = 0;
  let failed = 0;
  let peak = 0;
  let peakCache = 0;
  let baseline = 0;
  for (const r of results) {
    hits += r.cacheHits;
    misses += r.cacheMisses;
    busy += r.busyMs;
    failed += r.records.filter((x) => x.error !== undefined).length;
    peak = Math.max(peak, r.after.bytes);
    peakCache = Math.max(peakCache, r.after.cacheBytes);
    if (r.baseline) baseline = Math.max(baseline, r.baseline.bytes);
  }
  return {
    workers,
    evals,
    wallMs,
    evalsPerSec: (evals / wallMs) * 1000,
    utilisation: busy / (workers * wallMs),
    cacheHitRate: hits + misses > 0 ? hits / (hits + misses) : 0,
    failed,
    peakWorkerBytes: peak,
    peakCacheBytes: peakCache,
    baselineWorkerBytes: baseline,
  };
}
