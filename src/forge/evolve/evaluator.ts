import { sliceFeed } from '../../engine/feeds.js';
import { computeMetrics, type Metrics } from '../../engine/metrics/metrics.js';
import { compileSignals, parsePlay, playWarmup, resolvePlay, simConfigOf, type PlaySpace } from '../../engine/play/index.js';
import { simulate } from '../../engine/sim/simulate.js';
import type { Signals } from '../../engine/sim/types.js';
import type { Feed } from '../../engine/types.js';
import { FAILED_FITNESS, fitnessOf, type FitnessSpec } from '../fitness.js';
import { LruFeatureCache } from './cache.js';

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
  /** Per-worker feature cache budget. */
  readonly cacheBytes: number;
}

export type TimeRange = readonly [from: number, to: number];

/** Index of the first bar whose open time is >= t (binary search over sorted times). */
export function barAt(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The figures kept per evaluation (a subset of Metrics, all numbers). */
export type MetricRecord = Pick<
  Metrics,
  | 'totalReturn' | 'cagr' | 'returnAnn' | 'sharpe' | 'sortino' | 'calmar' | 'maxDrawdown' | 'winRate' | 'profitFactor' | 'trades'
  | 'exposure' | 'buyHoldReturn' | 'finalEquity' | 'barsPerYear' | 'years'
>;

export interface EvalRecord {
  readonly fitness: number;
  readonly inSample: MetricRecord | null;
  readonly outOfSample: MetricRecord | null;
  /** Set when the play threw; fitness is then FAILED_FITNESS. */
  readonly error?: string;
}

export interface EvalBatchResult {
  readonly records: EvalRecord[];
  /** Feature-cache counters for this batch, and the worker's heap after it (bytes). */
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly heapUsed: number;
}

// barsPerYear and years let later statistics turn an annualised Sharpe back into a per-bar one with
// its number of observations (multiple-testing p-values, deflated Sharpe).
const KEEP: (keyof MetricRecord)[] = ['totalReturn', 'cagr', 'returnAnn', 'sharpe', 'sortino', 'calmar', 'maxDrawdown', 'winRate', 'profitFactor', 'trades', 'exposure', 'buyHoldReturn', 'finalEquity', 'barsPerYear', 'years'];

function keep(m: Metrics): MetricRecord {
  const out = {} as Record<keyof MetricRecord, number>;
  for (const k of KEEP) out[k] = m[k];
  return out;
}

function sliceSignals(s: Signals, start: number, end: number): Signals {
  return {
    longEntry: s.longEntry.subarray(start, end),
    shortEntry: s.shortEntry.subarray(start, end),
    longExit: s.longExit?.subarray(start, end),
    shortExit: s.shortExit?.subarray(start, end),
  };
}

export interface Evaluator {
  readonly space: PlaySpace;
  readonly cache: LruFeatureCache;
  /** `ranges` overrides the job's in/out-of-sample ranges (walk-forward windows share one worker pool). */
  evaluate(genome: readonly number[], ranges?: Pick<EvalJob, 'inSample' | 'outOfSample'>): EvalRecord;
}

export function createEvaluator(job: EvalJob, feeds: Readonly<Record<string, Feed>>): Evaluator {
  const space = parsePlay(job.playText, job.playFile);
  const cache = new LruFeatureCache(job.cacheBytes);
  return {
    space,
    cache,
    evaluate(genome, ranges = job) {
      try {
        const play = resolvePlay(space, genome);
        const { feed, signals, atr } = compileSignals(play, feeds, cache);
        const config = simConfigOf(play, job.cash);
        const warmup = playWarmup(play);
        // Indicators are computed over all the data, so a range that starts after the warm-up is warm
        // from its first bar; buy-and-hold starts where the play could first trade.
        const part = ([from, to]: TimeRange): MetricRecord | null => {
          const start = barAt(feed.time, from);
          const end = barAt(feed.time, to);
          if (end - start < 2) return null;
          const f = sliceFeed(feed, start, end);
          const result = simulate(f, sliceSignals(signals, start, end), config, atr?.subarray(start, end));
          return keep(computeMetrics(f, result, config, { firstBar: Math.min(Math.max(0, warmup - start), f.length - 1) }));
        };
        const inSample = part(ranges.inSample);
        if (inSample === null) throw new Error(`the in-sample range holds fewer than 2 ${feed.tf} bars`);
        const outOfSample = ranges.outOfSample === null ? null : part(ranges.outOfSample);
        return { fitness: fitnessOf(inSample, job.fitness), inSample, outOfSample };
      } catch (err) {
        return { fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/** A pool item: a genome (evaluated on the job's ranges) or a genome with its own ranges. */
export type EvalItem = number[] | { readonly genome: number[]; readonly ranges: Pick<EvalJob, 'inSample' | 'outOfSample'> };

/** Runs a batch and reports the cache counters it moved. */
export function evaluateBatch(evaluator: Evaluator, items: readonly EvalItem[], heapUsed: () => number): EvalBatchResult {
  const h0 = evaluator.cache.hits;
  const m0 = evaluator.cache.misses;
  const records = items.map((it) => (Array.isArray(it) ? evaluator.evaluate(it) : evaluator.evaluate(it.genome, it.ranges)));
  return { records, cacheHits: evaluator.cache.hits - h0, cacheMisses: evaluator.cache.misses - m0, heapUsed: heapUsed() };
}
