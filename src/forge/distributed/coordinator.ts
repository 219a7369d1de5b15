import type { EvalJob, EvalRecord } from '../eval/evaluator.js';
import type { EvaluationPool } from '../eval/pool.js';
import type { EvalTaskResult } from '../eval/runtime.js';
import { FAILED_FITNESS } from '../fitness.js';
import { remoteJobs, type RemoteInput, type RemoteStats } from './remote-jobs.js';
import type { EvalJobData } from './wire.js';

// The coordinator's EvaluationPool for evolve and walk-forward: map puts the plays on the run's
// queue (remote-jobs.ts) and returns the workers' records in input order, like the local pool's.

export { REMOTE_DEFAULTS } from './remote-jobs.js';

const NO_MEMORY = { bytes: 0, heapUsed: 0, external: 0, privateBytes: 0 };

const asResult = (records: EvalRecord[], busyMs: number): EvalTaskResult => ({
  records,
  cacheHits: 0,
  cacheMisses: 0,
  threadId: -1,
  busyMs,
  memory: NO_MEMORY,
  baseline: NO_MEMORY,
});

export interface RemotePool extends EvaluationPool {
  /** Jobs and where their time went, for the bench. */
  remoteStats(): RemoteStats;
}

export async function remoteEvaluationPool(options: RemoteInput & { readonly job: EvalJob }): Promise<RemotePool> {
  const { job, ...input } = options;
  const jobs = await remoteJobs<EvalJobData, EvalRecord>(input, { kind: 'eval', job }, (items, error) =>
    items.map(() => ({ fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error })),
  );
  return {
    workers: 1,
    async map(items) {
      const { answers, ms } = await jobs.map(items);
      return answers.map((records) => asResult(records, ms / answers.length));
    },
    stats: () => ({
      features: { requests: 0, hits: 0, computed: 0, evictions: 0, bytesHeld: 0, peakBytes: 0, budgetBytes: 0 },
      localComputes: 0,
      featureMs: 0,
      evalMs: jobs.stats().waitMs,
    }),
    remoteStats: () => jobs.stats(),
    close: () => jobs.close(),
  };
}
