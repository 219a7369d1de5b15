import type { EvalJob } from '../eval/evaluator.js';
import { evaluationPool, type EvaluationPool } from '../eval/pool.js';
import type { SharedDataset } from '../shared/columns.js';

// The one place a search (evolve, walk-forward) chooses its evaluation pool: local threads, or,
// given a Redis URL, `forge worker` processes through the run's BullMQ queue. Both answer map()
// with the same records, so nothing downstream knows which it got.

export interface PoolChoice {
  readonly workers: number;
  readonly batchesPerWorker?: number;
  readonly featureMemory?: number;
  /** Redis URL: evaluate on `forge worker` processes instead of local threads. */
  readonly redis?: string;
}

export interface RemoteRun {
  /** 16 hex digits: names the run's queue. */
  readonly runId: string;
  /** Epoch ms after which waiting for workers gives up (--max-wall). */
  readonly deadline?: number;
  /** The command that continues the run when the wait gave up, given the URL with its password hidden. */
  readonly resume: (redis: string) => string;
  /** Workers joining and leaving, with their rates; nobody connected. */
  readonly log: (message: string) => void;
  /** A stop was asked for: with Redis unreachable, the wait for a generation ends with `resume`. */
  readonly stopRequested?: () => boolean;
  /** Give up after Redis has not answered for this long (commands with no checkpoint; remote-jobs.ts). */
  readonly giveUpAfterMs?: number;
}

export async function openEvaluationPool(
  job: EvalJob,
  datasets: readonly SharedDataset[],
  choice: PoolChoice,
  run: RemoteRun,
): Promise<EvaluationPool> {
  if (choice.redis === undefined)
    return evaluationPool(job, datasets[0], datasets.slice(1), {
      workers: choice.workers,
      batchesPerWorker: choice.batchesPerWorker,
      featureMemory: choice.featureMemory,
    });
  // Loaded only here: BullMQ and ioredis cost a local search ~0.15 s of start-up (issue 11 point 3).
  const [{ parseRedisUrl }, { remoteEvaluationPool }] = await Promise.all([
    import('./redis-url.js'),
    import('./coordinator.js'),
  ]);
  const target = parseRedisUrl(choice.redis);
  const { resume, ...rest } = run;
  return remoteEvaluationPool({ ...rest, resumeHint: resume(target.display), target, job, datasets });
}
