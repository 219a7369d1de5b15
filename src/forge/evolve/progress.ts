import type { EvalRecord } from '../eval/evaluator.js';
import type { FeatureStoreStats } from '../eval/feature-store.js';
import type { GAOptions } from '../ga/options.js';
import type { GAState, GenerationStats } from '../ga/optimizer.js';
import type { GenerationProgress } from './types.js';

// A generation's progress event: rates, elapsed time and the time left, from the search's counters.

/** What the search counts as it goes (the outcome reports them too). */
export interface SearchCounters {
  peakHeap: number;
  evaluations: number;
  evalMs: number;
  recordsMs: number;
  poolStartMs: number;
}

/** Share of the plays' feature uses the shared store served without computing. */
export const hitRate = (f: FeatureStoreStats): number => (f.requests > 0 ? f.hits / f.requests : 0);

/** Evaluations per second of evaluation time. */
export const evalsPerSec = (c: SearchCounters): number => (c.evalMs > 0 ? (c.evaluations * 1000) / c.evalMs : 0);

/** Where this invocation's search started: its time, generation and distinct evaluations. */
export interface SearchStart {
  readonly runStart: number;
  readonly generationsAtStart: number;
  readonly evaluatedAtStart: number;
}

export function generationProgress(
  s: GAState<EvalRecord>,
  stats: GenerationStats,
  ga: GAOptions,
  counters: SearchCounters,
  features: FeatureStoreStats,
  at: SearchStart,
): GenerationProgress {
  const elapsed = Date.now() - at.runStart;
  const done = s.generation - at.generationsAtStart;
  return {
    stats,
    generations: ga.generations,
    distinct: s.evaluated,
    reused: s.reused,
    budget: ga.budget,
    evalsPerSec: evalsPerSec(counters),
    elapsedMs: elapsed,
    etaMs:
      done === 0
        ? NaN
        : ga.budget > 0
          ? (elapsed / Math.max(1, s.evaluated - at.evaluatedAtStart)) * (ga.budget - s.evaluated)
          : (elapsed / done) * (ga.generations - s.generation),
    cacheHitRate: hitRate(features),
    features,
  };
}
