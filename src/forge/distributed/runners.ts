import { evaluationPool } from '../eval/pool.js';
import { threadPool } from '../pool/pool.js';
import type { SharedDataset } from '../shared/columns.js';
import { crashedItem } from '../validate/tasks.js';
import type { ItemResult, ValidateItem } from '../validate/types.js';
import type { ValidateWorkerData } from '../validate/worker.js';
import type { RemoteJobData } from './wire.js';

// What a `forge worker` runs a job's items on, by job kind: the local evaluation pool (its shared
// feature store) for plays, the validate thread pool for guards. Always on threads, even with one:
// BullMQ renews the job's lock from this process's event loop, which must stay free meanwhile.

export interface JobRunner {
  /** One answer per item, in item order. */
  run(items: RemoteJobData['items']): Promise<unknown[]>;
  close(): Promise<void>;
}

export interface RunnerOptions {
  readonly workers: number;
  readonly featureMemory?: number;
}

/** Built once per (run, job settings): parses and validates the play like any play file (a bad one throws). */
export function jobRunner(d: RemoteJobData, shared: readonly SharedDataset[], o: RunnerOptions): JobRunner {
  if (d.kind === 'eval') {
    const pool = evaluationPool(d.job, shared[0], shared.slice(1), {
      workers: o.workers,
      featureMemory: o.featureMemory,
      keepEventLoopFree: true,
    });
    return {
      run: async (items) => (await pool.map(items as typeof d.items)).flatMap((b) => b.records),
      close: () => pool.close(),
    };
  }
  const job = d.job;
  const workerData: ValidateWorkerData = {
    job,
    dataset: shared[0],
    regimes: d.regimes.map((r, i) => ({ ...r, dataset: shared[i + 1] })),
  };
  const pool = threadPool<ValidateItem, ItemResult[]>(
    new URL('../validate/worker.ts', import.meta.url),
    // One item per batch, as `forge validate` does locally (guards differ a lot in cost): the pool
    // splits a map into at most workers x batchesPerWorker batches, never more than its items.
    { workers: o.workers, workerData, batchesPerWorker: 1_000_000 },
    (batch, err) => batch.map((it) => crashedItem(it, job, `worker failed twice: ${err.message}`)),
  );
  return {
    run: async (items) => (await pool.map(items as ValidateItem[])).flat(),
    close: () => pool.close(),
  };
}
