import { workerData } from 'node:worker_threads';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import { createTaskEnv, runItem, type TaskEnv } from './tasks.js';
import type { ItemResult, RegimeData, ValidateItem, ValidateJob } from './types.js';

// A piscina worker for `forge validate`: built once per thread from the job and the shared datasets
// (the run's and the regime datasets'), then each task is a batch of (play, guard) items.

export interface SharedRegime extends Omit<RegimeData, 'feeds' | 'cache'> {
  readonly dataset: SharedDataset;
}

export interface ValidateWorkerData {
  readonly job: ValidateJob;
  readonly dataset: SharedDataset;
  readonly regimes: readonly SharedRegime[];
}

let env: TaskEnv | undefined;

export default function run(items: ValidateItem[]): ItemResult[] {
  if (env === undefined) {
    const data = workerData as ValidateWorkerData;
    env = createTaskEnv(
      data.job,
      sharedFeeds(data.dataset),
      data.regimes.map(({ dataset, ...r }) => ({ ...r, feeds: sharedFeeds(dataset) })),
    );
  }
  return items.map((item) => runItem(env!, item));
}
