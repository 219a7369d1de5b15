import { Queue, QueueEvents, type Job } from 'bullmq';
import { ForgeError } from '../../engine/errors.js';
import type { EvalItem, EvalJob, EvalRecord } from '../eval/evaluator.js';
import type { EvaluationPool } from '../eval/pool.js';
import type { EvalTaskResult } from '../eval/runtime.js';
import { FAILED_FITNESS } from '../fitness.js';
import { splitBatches } from '../pool/pool.js';
import type { SharedDataset } from '../shared/columns.js';
import { checkReachable, redisClient, type RedisTarget } from './connection.js';
import { publishDataset } from './dataset-transfer.js';
import { liveWorkers, workersLine, type WorkerBeat } from './heartbeat.js';
import { decodeRecords, jobId, PREFIX, QUEUES_KEY, queueName, type RemoteJobData } from './wire.js';

// The coordinator's side of distributed evaluation: an EvaluationPool whose map puts the batches on
// the run's BullMQ queue and waits for the workers' records, returned in input order like the local
// pool's. Results do not depend on who evaluated what: each record is a pure function of the play,
// the genome and the dataset, so the search is the same whatever the number or speed of workers.

export interface RemotePoolOptions {
  readonly target: RedisTarget;
  readonly runId: string;
  readonly job: EvalJob;
  /** The main dataset, then the regime datasets (published to Redis for workers that lack them). */
  readonly datasets: readonly SharedDataset[];
  /** Epoch ms after which waiting for workers gives up (the run's --max-wall). */
  readonly deadline?: number;
  /** Items per job at most; jobs are also split so every live worker thread gets a few. */
  readonly maxBatch: number;
  /** Status lines: workers joining and leaving, nobody connected. */
  readonly log: (message: string) => void;
  /** Attempts per job before its plays are recorded as failed (a throw in the worker, a lost lock). */
  readonly attempts: number;
  readonly pollMs: number;
}

export const REMOTE_DEFAULTS = Object.freeze({ maxBatch: 64, attempts: 3, pollMs: 500 });
const ATTEMPT_KEY = (runId: string) => `${PREFIX}:attempt:${runId}`;
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
const failedRecords = (n: number, error: string): EvalRecord[] =>
  Array.from({ length: n }, () => ({ fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error }));

export interface RemotePool extends EvaluationPool {
  /** Jobs and wall time spent waiting for them, for the bench. */
  remoteStats(): { jobs: number; calls: number; waitMs: number };
}

export async function remoteEvaluationPool(
  options: Partial<RemotePoolOptions> & Omit<RemotePoolOptions, keyof typeof REMOTE_DEFAULTS>,
): Promise<RemotePool> {
  const o: RemotePoolOptions = { ...REMOTE_DEFAULTS, ...options };
  const redis = redisClient(o.target);
  try {
    await checkReachable(redis, o.target);
  } catch (err) {
    redis.disconnect(); // a wrong password or an untrusted certificate would otherwise retry forever
    throw err;
  }
  const name = queueName(o.runId);
  const connection = o.target.options;
  const queue = new Queue(name, { connection, prefix: PREFIX });
  const events = new QueueEvents(name, { connection, prefix: PREFIX });
  try {
    // A new attempt: jobs an earlier, killed coordinator of this run left are removed, and ids carry
    // the attempt, so a late answer to an old job is never read as an answer to a new one.
    const attempt = await redis.incr(ATTEMPT_KEY(o.runId));
    await queue.obliterate({ force: true });
    await queue.resume();
    await events.waitUntilReady();
    await announce(redis, o, name);
    return makePool(o, { redis, queue, events, attempt, name });
  } catch (err) {
    await Promise.allSettled([events.close(), queue.close()]);
    redis.disconnect();
    throw err;
  }
}

/**
 * Datasets first, then the queue name workers look for. Checked again while waiting: a Redis that
 * restarted without its data forgets both, and workers would neither find the run nor its data.
 */
async function announce(redis: Parts['redis'], o: RemotePoolOptions, name: string): Promise<void> {
  if ((await redis.sismember(QUEUES_KEY, name)) === 1) return;
  for (const d of o.datasets) await publishDataset(redis, d);
  await redis.sadd(QUEUES_KEY, name);
}

interface Parts {
  readonly redis: ReturnType<typeof redisClient>;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly attempt: number;
  readonly name: string;
}

function makePool(o: RemotePoolOptions, { redis, queue, events, attempt, name }: Parts): RemotePool {
  let calls = 0;
  let jobs = 0;
  let waitMs = 0;
  let known: readonly WorkerBeat[] = [];
  let saidNobody = false;
  let wake: (() => void) | undefined;
  const nudge = () => wake?.();
  events.on('completed', nudge);
  events.on('failed', nudge);
  const base = {
    runId: o.runId,
    attempt,
    job: o.job,
    datasets: o.datasets.map((d) => ({ name: d.name, hash: d.contentHash })),
  };

  async function watchWorkers(): Promise<number> {
    await announce(redis, o, name);
    const live = await liveWorkers(redis);
    const names = (ws: readonly WorkerBeat[]) => ws.map((w) => w.name).join(',');
    if (names(live) !== names(known)) {
      if (live.length > 0) o.log(`workers: ${workersLine(live)}`);
      saidNobody = false;
    }
    if (live.length === 0 && !saidNobody) {
      o.log(
        `no worker is connected to ${o.target.display} (queue ${name}); waiting. Start one: forge worker --redis ${o.target.display}`,
      );
      saidNobody = true;
    }
    known = live;
    return live.reduce((s, w) => s + w.threads, 0);
  }

  async function settle(id: string, size: number, add: () => Promise<unknown>): Promise<EvalRecord[] | null> {
    const job: Job | undefined = await queue.getJob(id);
    // Redis lost the job (restarted without its data): put it back under the same id.
    if (job === undefined) return add().then(() => null);
    const state = await job.getState();
    if (state === 'completed') return decodeRecords(job.returnvalue as string);
    if (state === 'failed') return failedRecords(size, `worker failed ${job.attemptsMade} times: ${job.failedReason}`);
    return null;
  }

  return {
    workers: 1,
    async map(items: readonly EvalItem[]): Promise<EvalTaskResult[]> {
      if (items.length === 0) return [];
      const call = calls++;
      const t0 = performance.now();
      const threads = Math.max(1, await watchWorkers());
      const parts = Math.max(threads * 2, Math.ceil(items.length / o.maxBatch));
      const batches = splitBatches(items, parts);
      const specs = batches.map((b, batch) => {
        const data: RemoteJobData = { ...base, call, batch, items: b };
        return {
          name: 'eval',
          data,
          opts: { jobId: jobId(data), attempts: o.attempts, removeOnComplete: false, removeOnFail: false },
        };
      });
      await queue.addBulk(specs);
      jobs += specs.length;
      const out: (EvalRecord[] | null)[] = batches.map(() => null);
      while (out.some((r) => r === null)) {
        await Promise.all(
          specs.map(async (s, i) => {
            if (out[i] === null)
              out[i] = await settle(s.opts.jobId, batches[i].length, () => queue.add(s.name, s.data, s.opts));
          }),
        );
        if (out.every((r) => r !== null)) break;
        await watchWorkers();
        if (o.deadline !== undefined && Date.now() >= o.deadline) {
          throw new ForgeError(
            `the time budget (--max-wall) ran out while ${out.filter((r) => r === null).length} of ${specs.length} jobs waited for workers on ${o.target.display}`,
            `start workers (forge worker --redis ${o.target.display}) and resume: forge evolve --resume ${o.runId} --redis ${o.target.display}`,
            'E_MAX_WALL',
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, o.pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      const ms = performance.now() - t0;
      waitMs += ms;
      return out.map((records) => asResult(records!, ms / batches.length));
    },
    stats: () => ({
      features: { requests: 0, hits: 0, computed: 0, evictions: 0, bytesHeld: 0, peakBytes: 0, budgetBytes: 0 },
      localComputes: 0,
      featureMs: 0,
      evalMs: waitMs,
    }),
    remoteStats: () => ({ jobs, calls, waitMs }),
    async close() {
      await redis.srem(QUEUES_KEY, name).catch(() => undefined);
      // The records are in the run folder; the queue's jobs have no further use.
      await queue.obliterate({ force: true }).catch(() => undefined);
      await Promise.allSettled([events.close(), queue.close()]);
      redis.disconnect();
    },
  };
}
