import { FAILED_FITNESS } from '../fitness.js';
import { inlinePool, threadPool, type BatchPool } from '../pool/pool.js';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import { createEvaluator, evaluateBatch, type EvalBatchResult, type EvalItem, type EvalJob } from './evaluator.js';
import type { EvolveWorkerData } from './worker.js';

/**
 * The pool every GA search maps over (evolve, walk-forward): one worker runs in this thread, more run
 * src/forge/eval/worker.ts on piscina over the shared datasets. A batch that kills its worker twice
 * comes back as failed plays (worst fitness, error recorded) and the search goes on.
 */
export function evaluationPool(
  job: EvalJob,
  dataset: SharedDataset,
  regimes: readonly SharedDataset[],
  o: { readonly workers: number; readonly batchesPerWorker?: number },
): BatchPool<EvalItem, EvalBatchResult> {
  if (o.workers === 1) {
    const evaluator = createEvaluator(job, sharedFeeds(dataset), regimes.map(sharedFeeds));
    return inlinePool((items: EvalItem[]) => evaluateBatch(evaluator, items, () => process.memoryUsage().heapUsed));
  }
  const workerData: EvolveWorkerData = { job, dataset, regimes };
  return threadPool<EvalItem, EvalBatchResult>(new URL('./worker.ts', import.meta.url), { workers: o.workers, workerData, batchesPerWorker: o.batchesPerWorker }, (items, err) => ({
    records: items.map(() => ({ fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error: `worker failed twice: ${err.message}` })),
    cacheHits: 0,
    cacheMisses: 0,
    heapUsed: 0,
  }));
}
