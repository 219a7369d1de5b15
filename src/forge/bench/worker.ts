import { threadId, workerData } from 'node:worker_threads';
import { createEvaluator, evaluateBatch, type EvalBatchResult, type Evaluator } from '../eval/evaluator.js';
import type { EvolveWorkerData } from '../eval/worker.js';
import { sharedFeeds } from '../shared/columns.js';

// The bench's pool worker: the evolve worker's exact path (createEvaluator over the shared feeds, then
// evaluateBatch per task) plus what the bench measures inside the thread: busy time and this thread's
// own memory. In a worker, process.memoryUsage() reports the worker's isolate (heap, and external
// memory including its ArrayBuffers); the dataset's SharedArrayBuffers belong to the main thread and
// are not counted, which is what makes "memory per worker" separable from the dataset.

export interface WorkerMemory {
  /** V8 heap in use plus external memory (typed arrays: feature cache, signals, equity) of this worker. */
  readonly bytes: number;
  readonly heapUsed: number;
  readonly external: number;
  /** The worker's feature cache (part of `external`). */
  readonly cacheBytes: number;
}

export interface BenchBatchResult extends EvalBatchResult {
  readonly threadId: number;
  readonly busyMs: number;
  /** Before the first batch's evaluations (modules loaded, feeds viewed, nothing computed) and after this batch. */
  readonly baseline?: WorkerMemory;
  readonly after: WorkerMemory;
}

let evaluator: Evaluator | undefined;

function memory(): WorkerMemory {
  const m = process.memoryUsage();
  return { bytes: m.heapUsed + m.external, heapUsed: m.heapUsed, external: m.external, cacheBytes: evaluator?.cache.byteSize ?? 0 };
}

export default function run(genomes: number[][]): BenchBatchResult {
  let baseline: WorkerMemory | undefined;
  if (evaluator === undefined) {
    const data = workerData as EvolveWorkerData;
    evaluator = createEvaluator(data.job, sharedFeeds(data.dataset));
    baseline = memory();
  }
  const t0 = performance.now();
  const r = evaluateBatch(evaluator, genomes, () => process.memoryUsage().heapUsed);
  const busyMs = performance.now() - t0;
  return { ...r, threadId, busyMs, baseline, after: memory() };
}

