import { sliceFeed } from '../../engine/feeds.js';
import { leanMetrics, type MetricRecord } from '../../engine/metrics/lean.js';
import { MaskBuffers } from '../../engine/play/mask-rules.js';
import { compileSignals, playWarmup, simConfigOf, type Play, type PlaySpace } from '../../engine/play/index.js';
import { resolveKept, sharedPlaySpace } from './resolved-plays.js';
import type { FeatureCache } from '../../engine/play/features.js';
import { shiftMasks } from '../../engine/sim/bits.js';
import { simulate } from '../../engine/sim/simulate.js';
import { SimScratch } from '../../engine/sim/trades.js';
import type { Feed } from '../../engine/types.js';
import { FAILED_FITNESS, fitnessOf, type FitnessSpec } from '../fitness.js';
import { LruFeatureCache } from './cache.js';
import { barAt } from './ranges.js';

// One genome in, one small record out: resolve the play, compute its signals once over the whole
// window (signals at bar i use only bars <= i, so this is the same as computing them on each part),
// then simulate the in-sample part for fitness and the held-out end for the out-of-sample report.

/** What a worker needs, sent once per run: never candles (those come as shared memory). */
export interface EvalJob {
  readonly playText: string;
  readonly playFile: string;
  readonly cash: number;
  /** Time range [from, to) in epoch ms whose backtest gives the fitness. */
  readonly inSample: TimeRange;
  /** Time range reported beside it and never used for selection (a holdout, a walk-forward test window). */
  readonly outOfSample: TimeRange | null;
  readonly fitness: FitnessSpec;
  /**
   * Per-worker budget of private feature caches: the evaluator's own when it runs alone; in the
   * evaluation pool (features in the shared store) each dataset's fallback for resampled feeds and
   * features the stage could not compute.
   */
  readonly cacheBytes: number;
  /**
   * Further regime datasets the fitness must hold on (feeds passed to createEvaluator in this order);
   * the fitness is the min or mean over the main dataset and these, each on its own in-sample range.
   */
  readonly regimes?: readonly RegimePart[];
  readonly across?: 'min' | 'mean';
}

export interface RegimePart {
  readonly name: string;
  readonly inSample: TimeRange;
  readonly outOfSample: TimeRange | null;
}

/** One regime dataset's share of an evaluation. */
export interface RegimeRecord {
  readonly dataset: string;
  readonly fitness: number;
  readonly inSample: MetricRecord | null;
  readonly outOfSample: MetricRecord | null;
  readonly error?: string;
}

import type { TimeRange } from './ranges.js';
export type { TimeRange };

/** The figures kept per evaluation (a subset of Metrics, all numbers): see leanMetrics. */
export type { MetricRecord };

export interface EvalRecord {
  readonly fitness: number;
  readonly inSample: MetricRecord | null;
  readonly outOfSample: MetricRecord | null;
  /** Set when the play threw; fitness is then FAILED_FITNESS. */
  readonly error?: string;
  /** With regime datasets: each one's fitness and figures (the fitness above aggregates them). */
  readonly regimes?: readonly RegimeRecord[];
}

export interface EvalBatchResult {
  readonly records: EvalRecord[];
  /**
   * Feature-cache counters for this batch (in the evaluation pool, misses are features computed outside
   * the shared stage).
   */
  readonly cacheHits: number;
  readonly cacheMisses: number;
}

// barsPerYear and years (in MetricRecord) let later statistics turn an annualised Sharpe back into a
// per-bar one with its number of observations (multiple-testing p-values, deflated Sharpe).

export interface Evaluator {
  readonly space: PlaySpace;
  /** The main dataset's feature cache (regime datasets have their own: feature keys do not name the data). */
  readonly cache: CountingCache;
  /** Hits and misses over every cache of this evaluator. */
  cacheCounts(): { hits: number; misses: number };
  /** `ranges` overrides the job's in/out-of-sample ranges (walk-forward windows share one worker pool). */
  evaluate(genome: readonly number[], ranges?: Pick<EvalJob, 'inSample' | 'outOfSample'>): EvalRecord;
}

type Ranges = Pick<EvalJob, 'inSample' | 'outOfSample'>;

/**
 * Buffers one dataset's evaluations reuse (an evaluator runs one evaluation at a time, and nothing of
 * a backtest but its MetricRecord leaves backtestRanges): the signal bitsets and the simulator's
 * trade buffers. The equity curve is not stored at all: leanMetrics needs only its sums.
 */
class Scratch {
  readonly rules = new MaskBuffers();
  readonly sim = new SimScratch();
  constructor() {
    this.sim.keepEquity = false;
  }
}

/**
 * In- and out-of-sample figures of one play on one dataset: signal bitsets once over all of it (the
 * fixed rule kernels, no code generated per play), then each range simulated reading them in place.
 */
function backtestRanges(
  play: Play,
  feeds: Readonly<Record<string, Feed>>,
  cache: FeatureCache,
  cash: number,
  ranges: Ranges,
  scratch: Scratch,
) {
  const config = simConfigOf(play, cash);
  const { feed, masks, atr } = compileSignals(play, feeds, cache, scratch.rules);
  const warmup = playWarmup(play);
  // Indicators are computed over all the data, so a range that starts after the warm-up is warm
  // from its first bar; buy-and-hold starts where the play could first trade.
  const part = ([from, to]: TimeRange): MetricRecord | null => {
    const start = barAt(feed.time, from);
    const end = barAt(feed.time, to);
    if (end - start < 2) return null;
    const f = start === 0 && end === feed.length ? feed : sliceFeed(feed, start, end);
    const result = simulate(f, shiftMasks(masks, start), config, atr?.subarray(start, end), scratch.sim);
    return leanMetrics(f, result, config, { firstBar: Math.min(Math.max(0, warmup - start), f.length - 1) });
  };
  const inSample = part(ranges.inSample);
  if (inSample === null) throw new Error(`the in-sample range holds fewer than 2 ${feed.tf} bars`);
  return { inSample, outOfSample: ranges.outOfSample === null ? null : part(ranges.outOfSample) };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A feature cache that counts what it served and what it did not have. */
export interface CountingCache extends FeatureCache {
  readonly hits: number;
  readonly misses: number;
  /** Bytes of feature arrays this worker holds privately (not shared memory). */
  readonly byteSize: number;
}

/**
 * `caches` (main dataset first, then each regime's) replaces the evaluator's own LRU caches of
 * job.cacheBytes: the evaluation pool passes views of the shared feature store.
 */
export function createEvaluator(
  job: EvalJob,
  feeds: Readonly<Record<string, Feed>>,
  regimeFeeds: readonly Readonly<Record<string, Feed>>[] = [],
  caches?: readonly CountingCache[],
): Evaluator {
  const space = sharedPlaySpace(job.playText, job.playFile);
  const regimes = job.regimes ?? [];
  if (regimeFeeds.length !== regimes.length)
    throw new Error(`internal: ${regimes.length} regimes but ${regimeFeeds.length} feed sets`);
  if (caches !== undefined && caches.length !== 1 + regimes.length)
    throw new Error(`internal: ${1 + regimes.length} datasets but ${caches.length} caches`);
  const share = Math.floor(job.cacheBytes / (1 + regimes.length));
  const cache: CountingCache = caches?.[0] ?? new LruFeatureCache(share);
  const regimeCaches: CountingCache[] = caches?.slice(1) ?? regimes.map(() => new LruFeatureCache(share));
  const scratch = new Scratch();
  const regimeScratch = regimes.map(() => new Scratch());
  const all = [cache, ...regimeCaches];
  return {
    space,
    cache,
    cacheCounts: () => ({ hits: all.reduce((s, c) => s + c.hits, 0), misses: all.reduce((s, c) => s + c.misses, 0) }),
    evaluate(genome, ranges = job) {
      let play: Play;
      let main: ReturnType<typeof backtestRanges>;
      try {
        play = resolveKept(space, genome);
        main = backtestRanges(play, feeds, cache, job.cash, ranges, scratch);
      } catch (err) {
        return { fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error: message(err) };
      }
      const fitness = fitnessOf(main.inSample, job.fitness);
      if (regimes.length === 0) return { fitness, inSample: main.inSample, outOfSample: main.outOfSample };
      const records: RegimeRecord[] = regimes.map((r, i) => {
        try {
          const run = backtestRanges(play, regimeFeeds[i], regimeCaches[i], job.cash, r, regimeScratch[i]);
          return { dataset: r.name, fitness: fitnessOf(run.inSample, job.fitness), ...run };
        } catch (err) {
          return { dataset: r.name, fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error: message(err) };
        }
      });
      const values = [fitness, ...records.map((r) => r.fitness)];
      const combined = job.across === 'mean' ? values.reduce((a, b) => a + b, 0) / values.length : Math.min(...values);
      return { fitness: combined, inSample: main.inSample, outOfSample: main.outOfSample, regimes: records };
    },
  };
}

/** A pool item: a genome (evaluated on the job's ranges) or a genome with its own ranges. */
export type EvalItem =
  | number[]
  | { readonly genome: number[]; readonly ranges: Pick<EvalJob, 'inSample' | 'outOfSample'> };

/** Runs a batch and reports the cache counters it moved. */
export function evaluateBatch(evaluator: Evaluator, items: readonly EvalItem[]): EvalBatchResult {
  const before = evaluator.cacheCounts();
  const records = items.map((it) =>
    Array.isArray(it) ? evaluator.evaluate(it) : evaluator.evaluate(it.genome, it.ranges),
  );
  const after = evaluator.cacheCounts();
  return { records, cacheHits: after.hits - before.hits, cacheMisses: after.misses - before.misses };
}
