import { Queue, QueueEvents, type Job } from 'bullmq';
import { ForgeError } from '../../engine/errors.js';
import { guidedBatches } from '../eval/batches.js';
import { splitBatches } from '../pool/pool.js';
import type { SharedDataset } from '../shared/columns.js';
import { checkReachable, redisClient, type RedisTarget } from './connection.js';
import { publishDataset } from './dataset-transfer.js';
import { liveWorkers, workersLine, type WorkerBeat } from './heartbeat.js';
import { giveUp, watchReachability, within, type Reachability } from './reachability.js';
import {
  decodeRecords,
  jobId,
  PREFIX,
  QUEUES_KEY,
  queueName,
  type EvalJobData,
  type RemoteJobData,
  type ValidateJobData,
} from './wire.js';

// The coordinator's side of distributed work, whatever the job kind: a map that puts a call's items
// on the run's BullMQ queue as jobs and waits for the workers' answers, returned per job in input
// order. Each answer is a pure function of the job's data (play, genomes or guards, dataset hashes),
// so the result is the same whatever the number, speed or churn of workers.

export interface RemoteOptions {
  readonly target: RedisTarget;
  /** 16 hex digits: names the queue (one per run, so two searches on one Redis never mix). */
  readonly runId: string;
  /** The main dataset, then the regime datasets (published to Redis for workers that lack them). */
  readonly datasets: readonly SharedDataset[];
  /** Epoch ms after which waiting for workers gives up (the run's --max-wall). */
  readonly deadline?: number;
  /** The command that continues the run after the wait gave up (said in the error). */
  readonly resumeHint: string;
  /**
   * Guided job sizes per call (eval/batches.ts): the first round of jobs covers about half the items,
   * one per live worker process, then sizes shrink, so workers of any speed run out of work within one
   * small job of each other. A worker spreads each job over its threads and keeps its features between
   * jobs, so fewer, larger jobs cost fewer queue round trips and no extra feature work.
   */
  readonly jobsPerWorker: number;
  /** Smallest job as a share of a worker's part of a call (1/8: at most ~8 jobs per worker and call). */
  readonly minJobShare: number;
  /** Items per job at most (a bound on a job's size in Redis and on the work a lost worker takes with it). */
  readonly maxBatch: number;
  /** Status lines: workers joining and leaving with their rates, nobody connected. */
  readonly log: (message: string) => void;
  /** How often the workers line is repeated with fresh rates while the set of workers stays the same. */
  readonly statusEveryMs: number;
  /** Attempts per job before its items are recorded as failed (a throw in the worker, a lost lock). */
  readonly attempts: number;
  readonly pollMs: number;
  /**
   * The user asked the run to stop: a generation in flight still finishes (its answers are on the
   * way), unless Redis has not answered for unreachableMs, when the wait ends with the resume command.
   */
  readonly stopRequested: () => boolean;
  readonly unreachableMs: number;
  /**
   * For commands with no checkpoint (walk-forward, validate), which start over anyway: Redis not
   * answering for this long (at the start, or at any time after) ends them with E_REDIS_UNREACHABLE
   * and `resumeHint` as the command to run again. Unset (evolve), a run waits for Redis to come back:
   * its checkpoint makes a stop cheap, and a Redis restart is ridden out.
   */
  readonly giveUpAfterMs?: number;
}

export const REMOTE_DEFAULTS = Object.freeze({
  maxBatch: 2000,
  jobsPerWorker: 2,
  minJobShare: 1 / 8,
  attempts: 3,
  pollMs: 500,
  statusEveryMs: 30_000,
  resumeHint: 'start workers and run the same command again',
  stopRequested: () => false,
  unreachableMs: 3000,
});
export type RemoteInput = Partial<RemoteOptions> & Omit<RemoteOptions, keyof typeof REMOTE_DEFAULTS>;

const ATTEMPT_KEY = (runId: string) => `${PREFIX}:attempt:${runId}`;

type Payload<D extends RemoteJobData> = Omit<D, 'runId' | 'attempt' | 'call' | 'batch' | 'datasets' | 'items'>;
type ItemOf<D extends RemoteJobData> = D['items'][number];

export interface RemoteStats {
  readonly jobs: number;
  readonly calls: number;
  /** Wall time of map calls, from the first job added to the last answer read. */
  readonly waitMs: number;
  /**
   * Summed over completed jobs, from BullMQ's timestamps (the coordinator's and the workers' clocks:
   * only meaningful when they agree, as on one machine): added -> taken by a worker, taken -> answered,
   * answered -> read by the coordinator.
   */
  readonly queuedMs: number;
  readonly workMs: number;
  readonly noticeMs: number;
}

export interface RemoteJobs<I, R> {
  /** One answer array per job, jobs in input order (their items concatenated = the input order). */
  map(items: readonly I[]): Promise<{ batches: I[][]; answers: R[][]; ms: number }>;
  stats(): RemoteStats;
  close(): Promise<void>;
}

export async function remoteJobs<D extends EvalJobData | ValidateJobData, R>(
  input: RemoteInput,
  payload: Payload<D>,
  failed: (items: ItemOf<D>[], error: string) => R[],
): Promise<RemoteJobs<ItemOf<D>, R>> {
  const o: RemoteOptions = { ...REMOTE_DEFAULTS, ...input };
  const redis = redisClient(o.target);
  try {
    await checkReachable(redis, o.target, o.giveUpAfterMs);
  } catch (err) {
    redis.disconnect(); // a wrong password or an untrusted certificate would otherwise retry forever
    if (o.giveUpAfterMs !== undefined && err instanceof ForgeError && err.code === 'E_REDIS_UNREACHABLE')
      throw new ForgeError(err.message, `${err.fix}; then run it again: ${o.resumeHint}`, err.code);
    throw err;
  }
  const name = queueName(o.runId);
  const connection = o.target.options;
  const queue = new Queue(name, { connection, prefix: PREFIX });
  const events = new QueueEvents(name, { connection, prefix: PREFIX });
  // Connection errors: said once, as Redis being unreachable (guardWait), not once per retry.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  const reach = watchReachability(redis);
  const gaveUp = giveUp(reach, o.giveUpAfterMs, o.target.display, o.resumeHint);
  try {
    // A new attempt: jobs an earlier, killed coordinator of this run left are removed, and ids carry
    // the attempt, so a late answer to an old job is never read as an answer to a new one. Every
    // step waits while Redis is down: bounded for commands that give up (publishing a dataset takes a while).
    const setup = (async () => {
      const attempt = await redis.incr(ATTEMPT_KEY(o.runId));
      await queue.obliterate({ force: true });
      await queue.resume();
      await events.waitUntilReady();
      await announce(redis, o, name);
      return attempt;
    })();
    setup.catch(() => undefined);
    const attempt = await Promise.race([setup, gaveUp.failed(() => 'while the run was being set up')]);
    return makeJobs<D, R>(o, { redis, reach, queue, events, attempt, name }, payload, failed);
  } catch (err) {
    reach.dispose();
    // Closing needs Redis, which may be gone: bounded, then the connections are dropped.
    await within(Promise.allSettled([events.close(), queue.close()]), 2000, undefined);
    await within(Promise.allSettled([events.disconnect(), queue.disconnect()]), 2000, undefined);
    redis.disconnect();
    throw err;
  } finally {
    gaveUp.stop();
  }
}

/**
 * Datasets first, then the queue name workers look for. Checked again while waiting: a Redis that
 * restarted without its data forgets both, and workers would neither find the run nor its data.
 */
async function announce(redis: Parts['redis'], o: RemoteOptions, name: string): Promise<void> {
  if ((await redis.sismember(QUEUES_KEY, name)) === 1) return;
  for (const d of o.datasets) await publishDataset(redis, d);
  await redis.sadd(QUEUES_KEY, name);
}

interface Parts {
  readonly redis: ReturnType<typeof redisClient>;
  readonly reach: Reachability;
  readonly queue: Queue;
  readonly events: QueueEvents;
  readonly attempt: number;
  readonly name: string;
}

function makeJobs<D extends EvalJobData | ValidateJobData, R>(
  o: RemoteOptions,
  { redis, reach, queue, events, attempt, name }: Parts,
  payload: Payload<D>,
  failed: (items: ItemOf<D>[], error: string) => R[],
): RemoteJobs<ItemOf<D>, R> {
  let calls = 0;
  let jobs = 0;
  let waitMs = 0;
  const spans = { queuedMs: 0, workMs: 0, noticeMs: 0 };
  let known: readonly WorkerBeat[] = [];
  let lastLine = 0;
  let saidNobody = false;
  let wake: (() => void) | undefined;
  // Jobs the queue's events said finished and not yet read: a round reads just those (two Redis calls
  // each) instead of every open job of the call plus the workers' heartbeats, and an answer that
  // arrives during a round is read next, not after the next poll interval.
  const finished = new Set<string>();
  const nudge = ({ jobId }: { jobId: string }) => {
    finished.add(jobId);
    wake?.();
  };
  events.on('completed', nudge);
  events.on('failed', nudge);
  const base = { runId: o.runId, attempt, datasets: o.datasets.map((d) => ({ name: d.name, hash: d.contentHash })) };

  async function watchWorkers(): Promise<number> {
    await announce(redis, o, name);
    const live = await liveWorkers(redis);
    const names = (ws: readonly WorkerBeat[]) => ws.map((w) => w.name).join(',');
    const changed = names(live) !== names(known);
    if (live.length > 0 && (changed || Date.now() - lastLine >= o.statusEveryMs)) {
      o.log(`workers: ${workersLine(live)}`);
      lastLine = Date.now();
    }
    if (changed) saidNobody = false;
    if (live.length === 0 && !saidNobody) {
      o.log(
        `no worker is connected to ${o.target.display} (queue ${name}); waiting. ` +
          `Start one: forge worker --redis ${o.target.display}`,
      );
      saidNobody = true;
    }
    known = live;
    return live.length;
  }

  async function settle(id: string, items: ItemOf<D>[], add: () => Promise<unknown>): Promise<R[] | null> {
    // The state first: a job read before it finished would lack its answer and timestamps.
    const state = await queue.getJobState(id);
    // Redis lost the job (restarted without its data): put it back under the same id.
    if (state === 'unknown') return add().then(() => null);
    if (state !== 'completed' && state !== 'failed') return null;
    const job: Job | undefined = await queue.getJob(id);
    if (job === undefined) return null; // removed in between (Redis restarted): the next round adds it
    if (state === 'failed') return failed(items, `worker failed ${job.attemptsMade} times: ${job.failedReason}`);
    spans.queuedMs += (job.processedOn ?? job.timestamp) - job.timestamp;
    spans.workMs += (job.finishedOn ?? job.timestamp) - (job.processedOn ?? job.timestamp);
    spans.noticeMs += Date.now() - (job.finishedOn ?? Date.now());
    return decodeRecords<R>(job.returnvalue as string);
  }

  /** Fails the wait at the deadline, or on a stop while Redis is unreachable; says when Redis went away. */
  function guardWait(open: () => number, total: () => number): { failed: Promise<never>; stop(): void } {
    let timer: NodeJS.Timeout | undefined;
    let saidDown = false;
    const failed = new Promise<never>((_, reject) => {
      const tick = async () => {
        const since = reach.downSince();
        const down = since !== null && Date.now() - since >= o.unreachableMs;
        const why = reach.lastError() ? ` (${reach.lastError()})` : '';
        if (down && !saidDown) {
          saidDown = true;
          o.log(
            `Redis at ${o.target.display} has not answered for ${((Date.now() - since) / 1000).toFixed(0)} s${why}; ` +
              (o.giveUpAfterMs === undefined
                ? `waiting for it (a stop now ends the run: ${o.resumeHint})`
                : `waiting up to ${o.giveUpAfterMs / 1000} s for it`),
          );
        }
        if (since === null && saidDown) {
          saidDown = false;
          o.log(`Redis at ${o.target.display} answers again`);
        }
        if (o.deadline !== undefined && Date.now() >= o.deadline) {
          reject(
            new ForgeError(
              `the time budget (--max-wall) ran out while ${open()} of ${total()} jobs waited for ` +
                `${down ? 'Redis' : 'workers'} on ${o.target.display}`,
              `${down ? 'start Redis' : `start workers (forge worker --redis ${o.target.display})`} ` +
                `and continue: ${o.resumeHint}`,
              'E_MAX_WALL',
            ),
          );
          return;
        }
        if (o.stopRequested() && (await reach.settle(o.unreachableMs)) === 'gone') {
          const checkpoint = o.giveUpAfterMs === undefined;
          reject(
            new ForgeError(
              `stopped with Redis at ${o.target.display} unreachable${why}: ${open()} of ${total()} jobs ` +
                'of this generation unanswered; ' +
                (checkpoint ? 'the checkpoint of the last finished generation stands' : 'nothing of this run was kept'),
              `start Redis, then ${checkpoint ? 'continue' : 'run it again'}: ${o.resumeHint}`,
              'E_REDIS_UNREACHABLE',
            ),
          );
          return;
        }
        timer = setTimeout(tick, 250);
      };
      timer = setTimeout(tick, 250);
    });
    failed.catch(() => undefined);
    return { failed, stop: () => clearTimeout(timer) };
  }

  return {
    async map(items) {
      if (items.length === 0) return { batches: [], answers: [], ms: 0 };
      const call = calls++;
      const t0 = performance.now();
      let batches: ItemOf<D>[][] = [];
      let specs: { name: string; data: D; opts: { jobId: string } & Record<string, unknown> }[] = [];
      let out: (R[] | null)[] = [];
      // Every Redis command waits while Redis is down (watching the workers, queueing the jobs, reading
      // the answers); the guard keeps the time budget and a stop bounded from the first of them (the
      // work left behind fails when close() drops its connections).
      const open = () => out.filter((r) => r === null).length;
      const guard = guardWait(open, () => out.length);
      const lost = giveUp(reach, o.giveUpAfterMs, o.target.display, o.resumeHint);
      const work = (async () => {
        const live = Math.max(1, await watchWorkers());
        const minSize = Math.max(1, Math.ceil((items.length / live) * o.minJobShare));
        batches = guidedBatches(items, live, o.jobsPerWorker, minSize).flatMap((b) =>
          splitBatches(b, Math.ceil(b.length / o.maxBatch)),
        );
        specs = batches.map((b, batch) => {
          const data = { ...payload, ...base, call, batch, items: b } as unknown as D;
          return {
            name: data.kind,
            data,
            opts: { jobId: jobId(data), attempts: o.attempts, removeOnComplete: false, removeOnFail: false },
          };
        });
        out = batches.map(() => null);
        await queue.addBulk(specs);
        jobs += specs.length;
        await waitAll();
      })();
      work.catch(() => undefined);
      try {
        await Promise.race([
          work,
          guard.failed,
          lost.failed(() =>
            out.length === 0 ? 'before the jobs were queued' : `with ${open()} of ${out.length} jobs unanswered`,
          ),
        ]);
      } finally {
        guard.stop();
        lost.stop();
      }
      const ms = performance.now() - t0;
      waitMs += ms;
      return { batches, answers: out as R[][], ms };

      async function waitAll(): Promise<void> {
        // Full rounds (the first, then at least every poll interval: events can be missed while Redis
        // restarts) read every open job, put back jobs Redis lost, and check the workers.
        let lastFull = 0;
        while (out.some((r) => r === null)) {
          const full = Date.now() - lastFull >= o.pollMs;
          const told = new Set(finished);
          finished.clear();
          if (full) lastFull = Date.now();
          await Promise.all(
            specs.map(async (s, i) => {
              if (out[i] === null && (full || told.has(s.opts.jobId)))
                out[i] ??= await settle(s.opts.jobId, batches[i], () => queue.add(s.name, s.data, s.opts));
            }),
          );
          if (out.every((r) => r !== null)) break;
          if (full) await watchWorkers();
          if (finished.size > 0) continue;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.max(0, lastFull + o.pollMs - Date.now()));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
      }
    },
    stats: () => ({ jobs, calls, waitMs, ...spans }),
    async close() {
      reach.dispose();
      // Tidying needs Redis: bounded, so a run stopping without Redis still ends.
      const tidy = async () => {
        await redis.srem(QUEUES_KEY, name);
        // The answers are in the run folder; the queue's jobs have no further use.
        await queue.obliterate({ force: true });
        await Promise.allSettled([events.close(), queue.close()]);
        return true;
      };
      const up = redis.status === 'ready' && (await within(redis.ping(), 1000, 'late')) !== 'late';
      if (!up || (await within(tidy(), 10_000, false)) === false)
        await within(Promise.allSettled([events.disconnect(), queue.disconnect()]), 2000, undefined);
      redis.disconnect();
    },
  };
}
