import v8 from 'node:v8';
import { workerData } from 'node:worker_threads';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import { createEvaluator, evaluateBatch, type EvalBatchResult, type EvalJob, type Evaluator } from './evaluator.js';

// A piscina worker: built once per thread from the run's workerData (the job and the shared dataset
// buffers), then each task is a batch of genomes. Candles are views over the shared memory.

export interface EvolveWorkerData {
  readonly job: EvalJob;
  readonly dataset: SharedDataset;
}

let evaluator: Evaluator | undefined;

export default function run(genomes: number[][]): EvalBatchResult {
  if (evaluator === undefined) {
    const data = workerData as EvolveWorkerData;
    evaluator = createEvaluator(data.job, sharedFeeds(data.dataset));
  }
  return evaluateBatch(evaluator, genomes, () => v8.getHeapStatistics().used_heap_size);
}
