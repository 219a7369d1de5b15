// A namespace import: see config/schema.ts.
import * as z from 'zod';
import { ForgeError } from '../../engine/errors.js';
import type { EvalItem, EvalJob } from '../eval/evaluator.js';
import { OBJECTIVES } from '../fitness.js';
import { resolveValidateConfig, type ValidateInput } from '../validate/config.js';
import { WORKER_GUARDS, type ValidateItem, type ValidateJob } from '../validate/types.js';

// What crosses Redis between a coordinator and its workers, and the names of forge's keys there.
// A job carries the play's YAML text, numbers (ranges, fitness spec, cash) and genomes: never code.
// The worker parses and validates the play like any play file before evaluating anything.

/** BullMQ's key prefix for forge's queues, and the prefix of forge's own keys. */
export const PREFIX = 'forge';
/** Set of queue names with a coordinator waiting on them; workers poll it. */
export const QUEUES_KEY = `${PREFIX}:queues`;
/** forge:worker:<name> -> heartbeat JSON, expiring unless refreshed. */
export const WORKER_KEY = (name: string) => `${PREFIX}:worker:${name}`;
export const HEARTBEAT_MS = 1000;
export const HEARTBEAT_TTL_MS = 5000;

/** A queue per run, so two searches sharing one Redis never take each other's jobs. */
export const queueName = (runId: string) => `run-${runId}`;

export interface DatasetKey {
  readonly name: string;
  readonly hash: string;
}

/** A regime dataset of `forge validate` as its regime guard names it (the candles travel by hash). */
export interface RegimeMeta {
  readonly name: string;
  readonly regime: string;
  readonly source: 'real' | 'synthetic';
  readonly window: { readonly from: string; readonly to: string; readonly fromMs: number; readonly toMs: number };
}

interface JobHeader {
  readonly runId: string;
  /** The coordinator's attempt (a counter in Redis): results of an older attempt are never read. */
  readonly attempt: number;
  readonly call: number;
  readonly batch: number;
  /** The main dataset, then the regime datasets (job.regimes or `regimes` order). */
  readonly datasets: readonly DatasetKey[];
}

/** Plays to evaluate (evolve, walk-forward): the answer is one EvalRecord per item. */
export interface EvalJobData extends JobHeader {
  readonly kind: 'eval';
  readonly job: EvalJob;
  readonly items: readonly EvalItem[];
}

/** (play, guard) items of `forge validate`: the answer is one ItemResult per item. */
export interface ValidateJobData extends JobHeader {
  readonly kind: 'validate';
  readonly job: ValidateJob;
  readonly regimes: readonly RegimeMeta[];
  readonly items: readonly ValidateItem[];
}

export type RemoteJobData = EvalJobData | ValidateJobData;
export type JobKind = RemoteJobData['kind'];

/** Idempotency: one job per (run, attempt, generation call, batch); a duplicate add is a no-op in BullMQ. */
export const jobId = (d: Pick<RemoteJobData, 'attempt' | 'call' | 'batch'>) => `a${d.attempt}-g${d.call}-b${d.batch}`;

const finite = z.number().finite();
const range = z.tuple([finite, finite]);
const genome = z.array(finite).max(10_000);
const fitness = z.object({ objective: z.enum(OBJECTIVES), minTrades: finite, maxDrawdown: finite });
const header = {
  runId: z.string().regex(/^[0-9a-f]{16}$/),
  attempt: z.number().int().nonnegative(),
  call: z.number().int().nonnegative(),
  batch: z.number().int().nonnegative(),
  datasets: z.array(z.object({ name: z.string().max(128), hash: z.string().regex(/^[0-9a-f]{64}$/) })).min(1),
};
const EVAL_SCHEMA = z.object({
  ...header,
  kind: z.literal('eval'),
  job: z.object({
    playText: z.string().max(1_000_000),
    playFile: z.string().max(4096),
    cash: finite,
    inSample: range,
    outOfSample: range.nullable(),
    fitness,
    cacheBytes: z.number().int().positive(),
    regimes: z.array(z.object({ name: z.string(), inSample: range, outOfSample: range.nullable() })).optional(),
    across: z.enum(['min', 'mean']).optional(),
  }),
  items: z.array(
    z.union([genome, z.object({ genome, ranges: z.object({ inSample: range, outOfSample: range.nullable() }) })]),
  ),
});
const VALIDATE_SCHEMA = z.object({
  ...header,
  kind: z.literal('validate'),
  job: z.object({
    playText: z.string().max(1_000_000),
    playFile: z.string().max(4096),
    cash: finite,
    fitness,
    inSample: range,
    // Checked below by the same function that checks `forge validate --config` (fields named in its errors).
    config: z.record(z.string(), z.unknown()),
    regimeSkips: z.array(z.object({ name: z.string(), reason: z.string() })),
  }),
  regimes: z.array(
    z.object({
      name: z.string().max(128),
      regime: z.string(),
      source: z.enum(['real', 'synthetic']),
      window: z.object({ from: z.string(), to: z.string(), fromMs: finite, toMs: finite }),
    }),
  ),
  items: z.array(
    z.object({
      rank: z.number().int(),
      key: z.string().max(100_000),
      genome,
      task: z.enum([...WORKER_GUARDS, 'profile']),
      seed: z.string().max(256),
    }),
  ),
});
const JOB_SCHEMA = z.discriminatedUnion('kind', [EVAL_SCHEMA, VALIDATE_SCHEMA]);

/** A job's data checked field by field before any of it is used (the queue is not trusted). */
export function validateJobData(data: unknown): RemoteJobData {
  const r = JOB_SCHEMA.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ForgeError(
      `job data: field ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      'the coordinator and worker must run the same forge version',
      'E_JOB_DATA',
    );
  }
  const d = r.data as RemoteJobData;
  if (d.kind === 'validate') resolveValidateConfig({}, d.job.config as ValidateInput);
  return d;
}

// JSON has no NaN, Infinity or -0; metrics use all three. Tagged so a record arrives bit-identical.
const TAG = '$n';
export function encodeRecords(records: readonly unknown[]): string {
  return JSON.stringify(records, (_k, v: unknown) => {
    if (typeof v !== 'number') return v;
    if (Number.isNaN(v)) return { [TAG]: 'NaN' };
    if (v === Infinity) return { [TAG]: 'Infinity' };
    if (v === -Infinity) return { [TAG]: '-Infinity' };
    if (Object.is(v, -0)) return { [TAG]: '-0' };
    return v;
  });
}

export function decodeRecords<R>(text: string): R[] {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === TAG) return Number((v as Record<string, string>)[TAG]);
    }
    return v;
  }) as R[];
}
