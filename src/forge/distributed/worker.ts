import { createHash } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { ForgeError } from '../../engine/errors.js';
import type { ForgeHome } from '../home.js';
import { checkReachable, redisClient, type RedisTarget } from './connection.js';
import { obtainDataset } from './dataset-transfer.js';
import { beat } from './heartbeat.js';
import { jobRunner, type JobRunner } from './runners.js';
import {
  encodeRecords,
  HEARTBEAT_MS,
  PREFIX,
  QUEUES_KEY,
  validateJobData,
  WORKER_KEY,
  type RemoteJobData,
} from './wire.js';

// `forge worker`: a long-running process that takes evaluation jobs from every run queue a
// coordinator announces in Redis, evaluates them on its own local evaluation pool (its own shared
// feature store), and returns the records. It reads datasets from its home or from Redis (hash
// verified) and never writes a store or a run folder: it only answers jobs.

export interface WorkerOptions {
  readonly target: RedisTarget;
  /** Where to look for datasets first (read only); null: always take them from Redis. */
  readonly home: ForgeHome | null;
  readonly name: string;
  /** Threads of the local evaluation pool. */
  readonly workers: number;
  readonly featureMemory?: number;
  /** BullMQ lock: a job whose worker stops renewing it this long is handed to another worker. */
  readonly lockMs: number;
  readonly log: (message: string) => void;
  readonly stopRequested: () => boolean;
}

export const WORKER_DEFAULTS = Object.freeze({ lockMs: 30_000 });
const POLL_MS = 500;

interface RunPool {
  readonly key: string;
  readonly pool: JobRunner;
}

/** Runs until stopRequested() turns true, then finishes the jobs in hand and closes. */
export async function runWorker(
  options: Partial<WorkerOptions> & Omit<WorkerOptions, keyof typeof WORKER_DEFAULTS>,
): Promise<{ jobs: number; evaluations: number }> {
  const o: WorkerOptions = { ...WORKER_DEFAULTS, ...options };
  if (!Number.isInteger(o.workers) || o.workers < 1)
    throw new ForgeError(`--workers: got ${o.workers}, expected an integer >= 1`, 'use e.g. --workers 2', 'E_POOL');
  const redis = redisClient(o.target);
  try {
    await checkReachable(redis, o.target);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const consumers = new Map<string, Worker>();
  const pools = new Map<string, RunPool>();
  const counts = { jobs: 0, evaluations: 0, busyMs: 0 };
  o.log(`worker ${o.name}: ${o.workers} thread${o.workers > 1 ? 's' : ''}, waiting for runs on ${o.target.display}`);

  async function poolFor(queue: string, d: RemoteJobData): Promise<JobRunner> {
    const key = createHash('sha256')
      .update(JSON.stringify([d.kind, d.job, d.datasets, d.kind === 'validate' ? d.regimes : null]))
      .digest('hex');
    const held = pools.get(queue);
    if (held?.key === key) return held.pool;
    await held?.pool.close();
    pools.delete(queue);
    const shared = [];
    for (const k of d.datasets) {
      const got = await obtainDataset(redis, o.home, k);
      o.log(
        `run ${d.runId}: dataset ${k.name} (${k.hash.slice(0, 12)}) from ${got.source === 'home' ? 'this home' : 'Redis'}, hash verified`,
      );
      shared.push(got.shared);
    }
    const pool = jobRunner(d, shared, { workers: o.workers, featureMemory: o.featureMemory });
    pools.set(queue, { key, pool });
    return pool;
  }

  const processor =
    (queue: string) =>
    async (job: Job): Promise<string> => {
      try {
        const d = validateJobData(job.data);
        const t0 = performance.now();
        const pool = await poolFor(queue, d);
        const answers = await pool.run(d.items);
        counts.busyMs += performance.now() - t0;
        counts.jobs++;
        counts.evaluations += d.items.length;
        return encodeRecords(answers);
      } catch (err) {
        const e = err as Error & { fix?: string };
        o.log(`job ${job.id} of ${queue} failed: ${e.message}${e.fix ? ` (${e.fix})` : ''}`);
        throw err;
      }
    };

  async function syncQueues(): Promise<void> {
    const announced = new Set(await redis.smembers(QUEUES_KEY));
    for (const q of announced) {
      if (consumers.has(q)) continue;
      const w = new Worker(q, processor(q), {
        connection: o.target.options,
        prefix: PREFIX,
        // One job at a time: the local pool already spreads a job over all its threads.
        concurrency: 1,
        lockDuration: o.lockMs,
        stalledInterval: o.lockMs,
        maxStalledCount: 3,
        name: o.name,
      });
      w.on('error', (err) => o.log(`queue ${q}: ${err.message}`));
      consumers.set(q, w);
      o.log(`joined ${q}`);
    }
    for (const [q, w] of consumers) {
      if (announced.has(q)) continue;
      consumers.delete(q);
      await w.close();
      await pools.get(q)?.pool.close();
      pools.delete(q);
      o.log(`left ${q} (its coordinator finished)`);
    }
  }

  let lastBeat = 0;
  try {
    while (!o.stopRequested()) {
      try {
        await syncQueues();
        if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          lastBeat = Date.now();
          const rate = counts.busyMs > 0 ? (counts.evaluations * 1000) / counts.busyMs : 0;
          await beat(redis, { name: o.name, threads: o.workers, evaluations: counts.evaluations, evalsPerSec: rate });
        }
      } catch (err) {
        // Redis restarting: ioredis reconnects; keep polling.
        o.log(`redis: ${(err as Error).message}; retrying`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    await Promise.allSettled([...consumers.values()].map((w) => w.close()));
    await Promise.allSettled([...pools.values()].map((p) => p.pool.close()));
    // Leaving says so at once: otherwise a coordinator counts this worker as connected until its
    // heartbeat expires, and its jobs wait for a worker that is gone.
    await redis.del(WORKER_KEY(o.name)).catch(() => undefined);
    redis.disconnect();
  }
  return { jobs: counts.jobs, evaluations: counts.evaluations };
}
