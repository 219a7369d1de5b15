import { createHash } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { ForgeError } from '../../engine/errors.js';
import type { ForgeHome } from '../home.js';
import { checkReachable, redisClient, type RedisTarget } from './connection.js';
import { obtainDataset } from './dataset-transfer.js';
import { beat } from './heartbeat.js';
import { watchReachability, within } from './reachability.js';
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
  /**
   * Asked to stop while Redis has not answered this long, the worker stops without recording the
   * jobs in hand: their locks lapse and BullMQ's stalled-job check gives them to another worker.
   */
  readonly unreachableMs: number;
}

export const WORKER_DEFAULTS = Object.freeze({ lockMs: 30_000, unreachableMs: 3000 });
const POLL_MS = 500;

export interface WorkerOutcome {
  readonly jobs: number;
  readonly evaluations: number;
  /** Redis did not answer when the worker stopped: nothing more could be recorded there. */
  readonly redisUnreachable: boolean;
  /** Jobs taken but not recorded as answered ("job a1-g3-b0 of run-..."), left to stalled-job recovery. */
  readonly left: readonly string[];
}

interface RunPool {
  readonly key: string;
  readonly pool: JobRunner;
}

/** Runs until stopRequested() turns true, then finishes the jobs in hand and closes. */
export async function runWorker(
  options: Partial<WorkerOptions> & Omit<WorkerOptions, keyof typeof WORKER_DEFAULTS>,
): Promise<WorkerOutcome> {
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
  const reach = watchReachability(redis);
  const consumers = new Map<string, Worker>();
  const pools = new Map<string, RunPool>();
  /** Work done, for the rate in the heartbeat. */
  const counts = { evaluations: 0, busyMs: 0 };
  /** Jobs taken and not yet recorded in Redis as completed or failed, by queue/id. */
  const inHand = new Map<string, { readonly label: string; items: number }>();
  /** Jobs whose answers Redis recorded: what the worker reports when it stops. */
  const answered = { jobs: 0, evaluations: 0 };
  const held = (queue: string, id: string | undefined) => `${queue}/${id}`;
  let stopping = false;
  let abandoned = false;
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
        `run ${d.runId}: dataset ${k.name} (${k.hash.slice(0, 12)}) ` +
          `from ${got.source === 'home' ? 'this home' : 'Redis'}, hash verified`,
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
      const hand = { label: `job ${job.id} of ${queue}`, items: 0 };
      inHand.set(held(queue, job.id), hand);
      try {
        const d = validateJobData(job.data);
        const t0 = performance.now();
        const pool = await poolFor(queue, d);
        const answers = await pool.run(d.items);
        counts.busyMs += performance.now() - t0;
        counts.evaluations += d.items.length;
        hand.items = d.items.length;
        return encodeRecords(answers);
      } catch (err) {
        const e = err as Error & { fix?: string };
        if (abandoned) throw err; // its threads were closed on the way out: not the job's failure
        o.log(`job ${job.id} of ${queue} failed: ${e.message}${e.fix ? ` (${e.fix})` : ''}`);
        throw err;
      }
    };

  async function syncQueues(): Promise<void> {
    const announced = new Set(await redis.smembers(QUEUES_KEY));
    for (const q of announced) {
      if (consumers.has(q) || stopping) continue;
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
      // Said once per change: while Redis is down each of BullMQ's connections fails every retry.
      let said = '';
      w.on('error', (err) => {
        if (err.message !== said && !abandoned) o.log(`queue ${q}: ${err.message}`);
        said = err.message;
      });
      w.on('completed', (job) => {
        answered.jobs++;
        answered.evaluations += inHand.get(held(q, job.id))?.items ?? 0;
        inHand.delete(held(q, job.id));
      });
      w.on('failed', (job) => job && inHand.delete(held(q, job.id)));
      w.on('ready', () => (said = ''));
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
  let said = '';
  let stopped: () => void = () => undefined;
  const stopAsked = new Promise<void>((resolve) => (stopped = resolve));
  const watchStop = setInterval(() => o.stopRequested() && stopped(), 100);
  let outcome: Omit<WorkerOutcome, 'jobs' | 'evaluations'> = { redisUnreachable: false, left: [] };
  try {
    while (!o.stopRequested()) {
      const round = async () => {
        await syncQueues();
        if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          lastBeat = Date.now();
          const rate = counts.busyMs > 0 ? (counts.evaluations * 1000) / counts.busyMs : 0;
          await beat(redis, { name: o.name, threads: o.workers, evaluations: counts.evaluations, evalsPerSec: rate });
        }
        said = '';
      };
      try {
        // A round waits for Redis as long as it is down; a stop must not.
        const r = round();
        r.catch(() => undefined); // left behind by a stop: rejected when its connection is dropped
        await Promise.race([r, stopAsked]);
      } catch (err) {
        // Redis restarting: ioredis reconnects; keep polling.
        if ((err as Error).message !== said) o.log(`redis: ${(err as Error).message}; retrying`);
        said = (err as Error).message;
      }
      await Promise.race([new Promise((r) => setTimeout(r, POLL_MS)), stopAsked]);
    }
  } finally {
    stopping = true;
    clearInterval(watchStop);
    outcome = await closeConsumers();
    await Promise.allSettled([...pools.values()].map((p) => p.pool.close()));
    // Leaving says so at once: otherwise a coordinator counts this worker as connected until its
    // heartbeat expires, and its jobs wait for a worker that is gone. Without Redis the key expires.
    if (!outcome.redisUnreachable) await within(redis.del(WORKER_KEY(o.name)), 2000, undefined);
    reach.dispose();
    redis.disconnect();
  }
  return { ...answered, ...outcome };

  /**
   * Closing a consumer finishes its job in hand and records the answer, which needs Redis. Given up
   * once Redis has not answered for unreachableMs: the jobs not recorded are named, and their
   * connections dropped, so the process ends (BullMQ hands those jobs on when their lock lapses).
   */
  async function closeConsumers(): Promise<Omit<WorkerOutcome, 'jobs' | 'evaluations'>> {
    let how = await reach.settle(o.unreachableMs);
    if (how === 'up') {
      let closedAll = false;
      const closed = Promise.allSettled([...consumers.values()].map((w) => w.close())).then(() => 'up' as const);
      const gone = reach.goneFor(o.unreachableMs, () => closedAll).then(() => 'gone' as const);
      how = await Promise.race([closed, gone]);
      closedAll = true;
      if (how === 'up') return { redisUnreachable: false, left: [] };
    }
    abandoned = true;
    const left = [...inHand.values()].map((h) => h.label);
    const since = reach.downSince();
    const why = reach.lastError();
    const gone = since === null ? '' : ` for ${((Date.now() - since) / 1000).toFixed(1)} s`;
    o.log(
      `Redis at ${o.target.display} unreachable${gone}${why ? ` (${why})` : ''}; stopping without it: ` +
        (left.length === 0
          ? 'no job was in hand'
          : `${left.join(', ')} left unanswered for BullMQ's stalled-job recovery (another worker takes ` +
            `${left.length > 1 ? 'them' : 'it'} once Redis is back and the ${o.lockMs / 1000} s lock lapses)`),
    );
    // Forced: no answer to record, connections dropped at once (a graceful close already under way
    // when Redis went is cut short by dropping its connections).
    const forced = [...consumers.values()].map((w) => Promise.allSettled([w.close(true), w.disconnect()]));
    await within(Promise.allSettled(forced), 2000, undefined);
    return { redisUnreachable: true, left };
  }
}
