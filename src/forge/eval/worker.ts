import { threadId, workerData } from 'node:worker_threads';
import { EvalRuntime, type EvalTask, type EvalTaskOutput, type EvalWorkerData } from './runtime.js';

// A piscina worker of the evaluation pool: one EvalRuntime per thread, built from workerData (the job,
// the shared datasets and feature slabs) on the first task.

let runtime: EvalRuntime | undefined;

export default function run(task: EvalTask): EvalTaskOutput {
  runtime ??= new EvalRuntime(workerData as EvalWorkerData, threadId);
  return runtime.run(task);
}
