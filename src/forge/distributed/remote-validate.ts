import type { BatchPool } from '../pool/pool.js';
import { crashedItem } from '../validate/tasks.js';
import type { ItemResult, ValidateItem, ValidateJob } from '../validate/types.js';
import { remoteJobs, type RemoteInput } from './remote-jobs.js';
import type { RegimeMeta, ValidateJobData } from './wire.js';

// `forge validate --redis`: each (play, guard) item is one job on the run's queue. Items differ in
// cost by orders of magnitude (a 1000-fold permutation test against a concentration ratio), so one
// item per job lets every worker take the next one as it frees up, as the local pool does.

export async function remoteValidatePool(
  options: RemoteInput & { readonly job: ValidateJob; readonly regimes: readonly RegimeMeta[] },
): Promise<BatchPool<ValidateItem, ItemResult[]>> {
  const { job, regimes, ...input } = options;
  const jobs = await remoteJobs<ValidateJobData, ItemResult>(
    { ...input, maxBatch: 1 },
    { kind: 'validate', job, regimes },
    (items, error) => items.map((it) => crashedItem(it, job, error)),
  );
  return {
    workers: 1,
    map: async (items) => (await jobs.map(items)).answers,
    close: () => jobs.close(),
  };
}
