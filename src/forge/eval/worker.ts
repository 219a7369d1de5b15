import v8 from 'node:v8';
import { workerData } from 'node:worker_threads';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import { createEvaluator, evaluateBatch, type EvalBatchResult, type EvalItem, type EvalJob, type Evaluator } from './evaluator.js';

// A piscina worker: built once per thread from the run's workerData (the job and the shared dataset
// buffers), then each task is a batch of genomes, each optionally with its own time ranges (walk-forward
// windows share one pool). Candles are views over the shared memory.

export interface EvolveWorkerData {
  readonly job: EvalJob;
  readonly dataset: SharedDataset;
  /** The job's regime datasets, in job.regimes order. */
  readonly regimes?: readonly SharedDataset[];
}

let evaluator: Evaluator | undefined;

export default function run(items: EvalItem[]): EvalBatchResult {
  if (evaluator === undefined) {
    const data = workerData as EvolveWorkerData;
    evaluator = createEvaluator(data.job, sharedFeeds(data.dataset), (data.regimes ?? []).map(sharedFeeds));
  }
  return evaluateBatch(evaluator, items, () => v8.getHeapStatistics().used_heap_size);
}
