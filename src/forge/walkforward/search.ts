import { describeGenome, type GeneDef } from '../../engine/play/index.js';
import type { EvalBatchResult, EvalItem, EvalRecord } from '../eval/evaluator.js';
import type { FitnessSpec } from '../fitness.js';
import type { Identity } from '../ga/evaluated.js';
import { evolve, initialState } from '../ga/optimizer.js';
import type { GAOptions } from '../ga/options.js';
import type { BatchPool } from '../pool/pool.js';
import { performanceDrop } from './aggregate.js';
import type { WindowRecord } from './types.js';
import { rangeInfo, type Range, type WalkWindow } from './windows.js';

// Every window's GA runs at once over one pool: each generation's genomes of all windows go out in a
// single map (a window's items carry its own training range), so a small population still fills every
// worker, and the workers' feature caches (features span all the data) serve all windows. Evaluations
// are pure, so results do not depend on how items are batched or on the worker count. The search sees
// only the training range; the winner is then evaluated once with its test range as out-of-sample.

export interface SearchProgress {
  /** Generations every window has completed. */
  readonly generation: number;
  readonly generations: number;
  readonly evaluations: number;
  readonly evalMs: number;
}

/** Infeasible plays score below this (src/forge/fitness.ts: [-200, -100)); a failed one scores -1e6. */
const FEASIBLE_FLOOR = -100;

/** Thrown into every window's search when a stop is asked for; the walk-forward keeps no result. */
export class SearchStopped extends Error {
  constructor() {
    super('the walk-forward was stopped on request');
  }
}

/**
 * Collects the items every window asks for in the same turn of the event loop and maps them at once.
 * All windows ask in the same turn, so one map is one generation of every window: a stop asked for
 * during it refuses the next map.
 */
class Batcher {
  private queue: { items: EvalItem[]; resolve: (r: EvalRecord[]) => void; reject: (e: unknown) => void }[] = [];
  evaluations = 0;
  evalMs = 0;
  /** What the pool's map threw (Redis gone, time budget spent): the walk-forward's failure, not a window's. */
  poolError: unknown = undefined;
  constructor(
    private readonly pool: BatchPool<EvalItem, EvalBatchResult>,
    private readonly beforeFlush: () => void,
    private readonly stopRequested: () => boolean,
  ) {}

  submit(items: EvalItem[]): Promise<EvalRecord[]> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => void this.flush());
      this.queue.push({ items, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.queue;
    this.queue = [];
    this.beforeFlush();
    if (this.stopRequested()) {
      const stopped = new SearchStopped();
      for (const w of waiting) w.reject(stopped);
      return;
    }
    const all = waiting.flatMap((w) => w.items);
    const t0 = Date.now();
    try {
      const records = (await this.pool.map(all)).flatMap((b) => b.records);
      this.evalMs += Date.now() - t0;
      this.evaluations += all.length;
      let k = 0;
      for (const w of waiting) {
        w.resolve(records.slice(k, k + w.items.length));
        k += w.items.length;
      }
    } catch (err) {
      this.poolError = err;
      for (const w of waiting) w.reject(err);
    }
  }
}

function infeasibleReason(r: EvalRecord, f: FitnessSpec): string {
  const m = r.inSample;
  if (m === null) return 'no play could be evaluated on the training range';
  if (m.trades < f.minTrades)
    return (
      `no feasible play on the training range: the best made ${m.trades} ` +
      `trade${m.trades === 1 ? '' : 's'} (min-trades ${f.minTrades})`
    );
  return (
    `no feasible play on the training range: the best drew down ${(Math.abs(m.maxDrawdown) * 100).toFixed(1)}% ` +
    `(max-drawdown ${(f.maxDrawdown * 100).toFixed(0)}%)`
  );
}

export async function searchWindows(
  windows: readonly WalkWindow[],
  genes: readonly GeneDef[],
  ga: GAOptions,
  fitness: FitnessSpec,
  seed: string,
  pool: BatchPool<EvalItem, EvalBatchResult>,
  onProgress: (p: SearchProgress) => void,
  identity?: Identity,
  stopRequested: () => boolean = () => false,
): Promise<WindowRecord[]> {
  const generationOf = new Map<number, number>(windows.map((w) => [w.index, 0]));
  const progress = () => {
    const done = Math.min(...generationOf.values());
    if (done > reported) {
      reported = done;
      onProgress({
        generation: done,
        generations: ga.generations,
        evaluations: batcher.evaluations,
        evalMs: batcher.evalMs,
      });
    }
  };
  let reported = 0;
  const batcher = new Batcher(pool, progress, stopRequested);

  type Found = {
    w: WalkWindow;
    genome: number[] | null;
    fitness: number | null;
    best: EvalRecord | null;
    evaluations: number;
    generations: number;
    error: string | null;
  };
  const one = async (w: WalkWindow): Promise<Found> => {
    const ranges = { inSample: w.train, outOfSample: null };
    // A window's seed depends only on the run seed and its index.
    const state = initialState<EvalRecord>(genes, ga, `${seed}/window-${w.index}`);
    try {
      await evolve(genes, ga, state, {
        evaluate: (genomes) => batcher.submit(genomes.map((genome) => ({ genome, ranges }))),
        onGeneration: (s) => void generationOf.set(w.index, s.generation),
        identity,
      });
    } catch (err) {
      // A stop, or the pool failing under every window at once: the walk-forward ends without a
      // result, rather than writing one where every window "failed" on it.
      if (err instanceof SearchStopped || (batcher.poolError !== undefined && err === batcher.poolError)) throw err;
      return {
        w,
        genome: null,
        fitness: null,
        best: null,
        evaluations: state.evaluated,
        generations: state.generation,
        error: err instanceof Error ? err.message : String(err),
      };
    } finally {
      // Finished (patience or budget): no longer holds the others' progress back.
      generationOf.set(w.index, ga.generations);
    }
    const best = state.hallOfFame[0];
    const evaluations = state.evaluated;
    if (best === undefined)
      return {
        w,
        genome: null,
        fitness: null,
        best: null,
        evaluations,
        generations: state.generation,
        error: 'no play could be evaluated on the training range',
      };
    const e = best.evaluation;
    const error =
      e.error !== undefined
        ? `every play failed on the training range: ${e.error}`
        : e.fitness < FEASIBLE_FLOOR
          ? infeasibleReason(e, fitness)
          : null;
    return { w, genome: best.genome, fitness: e.fitness, best: e, evaluations, generations: state.generation, error };
  };
  const found = await Promise.all(windows.map(one));
  progress();

  // The winners, once each, with the test range as out-of-sample. A failed window chose no play: it is
  // not tested (its best in-sample figures are kept to show why it failed).
  const tested = found.filter((f) => f.genome !== null && f.error === null);
  const records = tested.length
    ? await batcher.submit(
        tested.map((f) => ({ genome: f.genome!, ranges: { inSample: f.w.train, outOfSample: f.w.test as Range } })),
      )
    : [];
  const byIndex = new Map(tested.map((f, i) => [f.w.index, records[i]]));

  return found.map((f) => {
    const record = byIndex.get(f.w.index) ?? (f.best ? { ...f.best, outOfSample: null } : null);
    let error = f.error;
    if (error === null && record?.error !== undefined) error = `the winner failed when re-run: ${record?.error}`;
    if (error === null && record !== null && record.outOfSample === null)
      error = 'the test range holds fewer than 2 bars of the play timeframe';
    return {
      index: f.w.index,
      train: rangeInfo(f.w.train),
      test: rangeInfo(f.w.test),
      status: error === null ? 'ok' : 'failed',
      error,
      genome: f.genome,
      params: f.genome === null ? null : describeGenome(genes, f.genome),
      fitness: f.fitness,
      evaluations: f.evaluations,
      generations: f.generations,
      inSample: record?.inSample ?? null,
      outOfSample: record?.outOfSample ?? null,
      drop: error === null && record ? performanceDrop(record.inSample, record.outOfSample) : null,
    };
  });
}
