import os from 'node:os';
import { ForgeError } from '../../engine/errors.js';
import { defaultGenome, resolvePlay, type FeatureUse } from '../../engine/play/index.js';
import { sharedPlaySpace } from './resolved-plays.js';
import { FAILED_FITNESS } from '../fitness.js';
import {
  inlineTaskPool,
  splitBatches,
  taskPool,
  validatePoolOptions,
  type BatchPool,
  type TaskPool,
} from '../pool/pool.js';
import { hybridTaskPool } from '../pool/hybrid.js';
import type { SharedDataset } from '../shared/columns.js';
import { guidedBatches } from './batches.js';
import type { EvalItem, EvalJob } from './evaluator.js';
import { createSlab, slotBytes, type SlabLayout } from './feature-slab.js';
import {
  chunkItems,
  itemFeatures,
  needOf,
  outputKey,
  planFromWire,
  tableOf,
  taskOrder,
  wiresOf,
  type WireFeature,
} from './feature-stage.js';
import { FeatureStore, type FeatureStoreStats } from './feature-store.js';
import {
  EvalRuntime,
  type EvalTask,
  type EvalTaskOutput,
  type EvalTaskResult,
  type EvalWorkerData,
} from './runtime.js';
import type { FeatureTaskResult, IdentifyTaskResult, PlanTaskResult } from './runtime.js';
import { genomeKey } from '../ga/genome.js';

// The pool every search maps over (evolve, walk-forward, bench). Each map call is one or more rounds:
// the coordinator lists the distinct features of the round's plays, the shared feature store admits
// them (evicting least recently used features from earlier rounds, never from this one), the pool
// computes the missing ones once each, then evaluates the plays in batches that read every feature
// zero-copy from the store. A round is the whole generation unless its features exceed the store's
// budget; then consecutive parts of it that fit are run one after the other (same results).

export interface EvalPoolOptions {
  readonly workers: number;
  /** Sets the first batch size of a round (guided batches, see batches.ts); cannot change results. */
  readonly batchesPerWorker: number;
  /** Byte budget of the shared feature store over all datasets. */
  readonly featureMemory: number;
  /**
   * Evaluate on a thread even with one worker. `forge worker` needs it: BullMQ renews a job's lock
   * from the event loop, and a batch evaluated on the main thread would block it past the lock.
   */
  readonly keepEventLoopFree: boolean;
}

/**
 * Shared features up to a quarter of free memory, between 64 MiB and 512 MiB. A store never evicts
 * before it is full, so whatever the budget, a run keeps it all resident; 512 MiB holds the first
 * generation of the main job (~420 columns of 140k bars), which costs no measurable CPU over 1 GiB
 * (23.3 vs 23.2 s user, 1 worker) for ~530 MiB less RSS; 256 MiB costs +24 % CPU, 128 MiB +59 %
 * (bench/RESULTS.md, "Memory of forge evolve").
 */
export function defaultFeatureMemory(): number {
  return Math.min(512 * 1024 ** 2, Math.max(64 * 1024 ** 2, Math.floor(os.freemem() / 4)));
}

export const EVAL_POOL_DEFAULTS: Omit<EvalPoolOptions, 'workers' | 'featureMemory'> = Object.freeze({
  batchesPerWorker: 4,
  keepEventLoopFree: false,
});

export interface EvalPoolStats {
  readonly features: FeatureStoreStats;
  /** Features workers computed outside the stage (0 unless a feature task failed). */
  readonly localComputes: number;
  /** Milliseconds spent in feature rounds and in evaluation rounds (wall, coordinator's view). */
  readonly featureMs: number;
  readonly evalMs: number;
}

/**
 * Young generation of each worker's V8 heap. V8's default lets it grow to ~48 MiB per isolate, most of
 * it resident for the whole run; a worker's garbage is short-lived feature-task and evaluation
 * scratch, so 8 MiB costs no measurable CPU and ~30 MiB of RSS less at 2 workers (bench/RESULTS.md).
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/** Feature groups per worker and round (guided sizes, see batches.ts). */
const FEATURE_BATCHES_PER_WORKER = 16;

const datasetsOf = (features: readonly { dataset: number }[]): number[] => [...new Set(features.map((f) => f.dataset))];

export interface EvaluationPool extends BatchPool<EvalItem, EvalTaskResult> {
  stats(): EvalPoolStats;
  /**
   * Strategy identities of genomes, resolved by the workers in parallel (null where one does not
   * resolve); absent with one worker, where it would only move the same work around the main thread.
   */
  identities?(genomes: readonly (readonly number[])[]): Promise<(string | null)[]>;
}

/** A round's feature tasks (see startFeatures). */
interface FeatureRound {
  readonly done: readonly Promise<void>[];
  readonly groupsOf: ReadonlyMap<string, readonly number[]>;
}
const NO_FEATURE_ROUND: FeatureRound = { done: [], groupsOf: new Map() };

/** Feature lists the identify tasks brought back, kept for the genomes' evaluation; bounded. */
const PLAN_MEMO_LIMIT = 4096;

const NO_MEMORY = { bytes: 0, heapUsed: 0, external: 0, privateBytes: 0 };
const failedBatch = (items: readonly EvalItem[], message: string): EvalTaskResult => ({
  records: items.map(() => ({ fitness: FAILED_FITNESS, inSample: null, outOfSample: null, error: message })),
  cacheHits: 0,
  cacheMisses: 0,
  threadId: -1,
  busyMs: 0,
  memory: NO_MEMORY,
  baseline: NO_MEMORY,
});

function sumStats(all: readonly FeatureStoreStats[]): FeatureStoreStats {
  const add = (k: keyof FeatureStoreStats) => all.reduce((s, x) => s + x[k], 0);
  // Every dataset serves the same uses; the hit rate is over uses of the main dataset's store.
  const first = all[0];
  return {
    requests: first?.requests ?? 0,
    hits: first?.hits ?? 0,
    computed: add('computed'),
    evictions: add('evictions'),
    bytesHeld: add('bytesHeld'),
    peakBytes: add('peakBytes'),
    budgetBytes: add('budgetBytes'),
  };
}

/** Batches whose records, concatenated, follow the input order again (each batch keeps its size and counters). */
function inInputOrder(batches: EvalTaskResult[], order: readonly number[]): EvalTaskResult[] {
  if (order.every((x, i) => x === i)) return batches;
  const permuted = batches.flatMap((b) => b.records);
  const records = new Array<EvalTaskResult['records'][number]>(permuted.length);
  order.forEach((original, at) => {
    records[original] = permuted[at];
  });
  let start = 0;
  return batches.map((b) => {
    const part = records.slice(start, start + b.records.length);
    start += b.records.length;
    return { ...b, records: part };
  });
}

export function evaluationPool(
  job: EvalJob,
  dataset: SharedDataset,
  regimes: readonly SharedDataset[],
  options: Partial<EvalPoolOptions> & { workers: number },
): EvaluationPool {
  const o = {
    ...EVAL_POOL_DEFAULTS,
    featureMemory: defaultFeatureMemory(),
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as EvalPoolOptions;
  validatePoolOptions({ workers: o.workers, batchesPerWorker: o.batchesPerWorker });
  if (!Number.isFinite(o.featureMemory) || o.featureMemory <= 0) {
    throw new ForgeError(
      `feature memory: got ${o.featureMemory}, expected a positive number of bytes`,
      'use e.g. --feature-memory 512MB',
      'E_POOL',
    );
  }
  const space = sharedPlaySpace(job.playText, job.playFile);
  const execTf = resolvePlay(space, defaultGenome(space.genes)).market.tf;
  const datasets = [dataset, ...regimes];
  // The budget is split in proportion to each dataset's bars: every play reads the same features on each.
  const lengths = datasets.map((d) => d.timeframes.find((t) => t.tf === execTf)?.length ?? 0);
  const totalBars = lengths.reduce((a, b) => a + b, 0);
  const slabs: (SlabLayout | null)[] = lengths.map((n) =>
    n === 0 ? null : createSlab(execTf, n, (o.featureMemory * n) / totalBars),
  );
  const stores = slabs.map((s) => (s === null ? null : new FeatureStore(s.capacity, slotBytes(s))));
  const data: EvalWorkerData = { job, datasets, slabs };
  // One worker: everything on the main thread. More: the main thread is one of them (hybrid.ts), unless
  // its event loop must stay free (forge worker), where every evaluation runs on a thread.
  const inline = o.workers === 1 && !o.keepEventLoopFree;
  const workerFile = new URL('./worker.ts', import.meta.url);
  const threads = {
    workers: o.workers,
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  };
  const onMainThread = () => {
    const rt = new EvalRuntime(data);
    return (task: EvalTask) => rt.run(task);
  };
  const tasks: TaskPool<EvalTask, EvalTaskOutput> = inline
    ? inlineTaskPool(onMainThread())
    : o.keepEventLoopFree
      ? taskPool(workerFile, threads)
      : hybridTaskPool(workerFile, threads, onMainThread(), { kind: 'plan', genomes: [] });
  const fitsAll = (need: ReadonlyMap<string, number>) => stores.every((s) => s === null || s.fits(need));
  let localComputes = 0;
  let featureMs = 0;
  let evalMs = 0;

  /** Feature lists that identify tasks brought back, by genome key, until the genomes' evaluation. */
  const planned = new Map<string, ReturnType<typeof itemFeatures>[number]>();

  /**
   * The features of each genome's play. Resolving a play costs ~0.1-0.2 ms, 15-30 ms per generation
   * of 150 that the coordinator used to spend while every worker waited; the workers now resolve equal
   * shares in parallel (the same function, so the same lists), inline with one worker.
   */
  async function listFeatures(genomes: (readonly number[])[]): Promise<ReturnType<typeof itemFeatures>> {
    if (inline) return itemFeatures(space, genomes);
    // Genomes the identify tasks resolved already (a bred generation: all of them) are not resolved again.
    const known = genomes.map((g) => planned.get(genomeKey(g)));
    const todo = genomes.filter((_, i) => known[i] === undefined);
    const parts = splitBatches(todo, o.workers);
    const results = await Promise.all(parts.map((part) => tasks.run({ kind: 'plan', genomes: part })));
    const fresh = results.flatMap((r, i) =>
      // A failed plan task is listed again here; a genome that does not resolve is null either way.
      r.ok ? planFromWire((r.value as PlanTaskResult).features) : itemFeatures(space, parts[i]),
    );
    let next = 0;
    const out = known.map((k) => (k !== undefined ? k : fresh[next++]));
    planned.clear();
    return out;
  }

  async function identities(genomes: readonly (readonly number[])[]): Promise<(string | null)[]> {
    const parts = splitBatches(genomes, o.workers);
    const results = await Promise.all(parts.map((part) => tasks.run({ kind: 'identify', genomes: part })));
    return results.flatMap((r, i) => {
      // A failed task leaves its genomes to the coordinator's own identity function, as without this.
      if (!r.ok) return parts[i].map(() => null);
      const { identities: ids, features } = r.value as IdentifyTaskResult;
      const lists = planFromWire(features);
      if (planned.size + lists.length > PLAN_MEMO_LIMIT) planned.clear();
      parts[i].forEach((g, k) => {
        planned.set(genomeKey(g), lists[k]);
      });
      return ids;
    });
  }

  /**
   * Starts the feature tasks of a round: `done[g]` settles when group g has finished (a failed group's
   * features dropped first); `groupsOf` lists, per feature key, the groups that compute it (one per
   * dataset that lacks it). Groups are numbered in the order they were queued.
   */
  function startFeatures(features: { dataset: number; wire: WireFeature }[]): FeatureRound {
    const t0 = performance.now();
    // Slowest kinds first, in guided groups (first groups ~1/16 of the round at 2 workers, the last ones
    // single features): features differ in cost by 50x, so the tail stays about one feature, and a
    // first generation's ~400 features travel in ~60 messages instead of ~400.
    const ordered = features.sort((a, b) => taskOrder(a.wire, b.wire) || a.dataset - b.dataset);
    const groups = datasetsOf(ordered).flatMap((d) => {
      const mine = ordered.filter((f) => f.dataset === d).map((f) => f.wire);
      return guidedBatches(mine, o.workers, FEATURE_BATCHES_PER_WORKER).map((wires) => ({ dataset: d, wires }));
    });
    const done = groups.map(async (g) => {
      const r = await tasks.run({ kind: 'features', dataset: g.dataset, features: g.wires });
      const failed = new Set(
        r.ok ? (r.value as FeatureTaskResult).failed.map((x) => x.key) : g.wires.map((w) => w.key),
      );
      // The plays that read a failed feature compute it themselves and record the error as before.
      const store = stores[g.dataset];
      for (const w of g.wires) {
        if (!failed.has(w.key) || store === null) continue;
        w.slots.forEach((slot, o) => {
          if (slot >= 0) store.drop(outputKey(w.key, o));
        });
        store.recordComputed(-1);
      }
    });
    // Settled here for the stats only; a rejection reaches the map call through the batches that wait.
    Promise.all(done).then(
      () => (featureMs += performance.now() - t0),
      () => {},
    );
    const groupsOf = new Map<string, number[]>();
    groups.forEach((g, i) => {
      for (const w of g.wires) groupsOf.set(w.key, [...(groupsOf.get(w.key) ?? []), i]);
    });
    return { done, groupsOf };
  }

  /**
   * Evaluates a round's plays in guided batches while its features are still being computed: a batch
   * is queued as soon as the feature tasks it reads have finished, so a worker that runs out of feature
   * tasks evaluates instead of waiting for the slowest one (in a late generation, with a handful of new
   * features, most plays need none of them). Plays that wait for nothing go first, then by the last
   * feature task they wait for; records come back in input order. Each batch carries the slots of its
   * own plays' features only (a first generation's whole table cloned into every message was the
   * coordinator's largest cost after play resolution).
   */
  async function evalRound(
    items: EvalItem[],
    features: readonly (FeatureUse[] | null)[],
    round: FeatureRound,
  ): Promise<EvalTaskResult[]> {
    const t0 = performance.now();
    const waits = features.map((list) => new Set((list ?? []).flatMap((r) => round.groupsOf.get(r.key) ?? [])));
    const last = waits.map((w) => Math.max(-1, ...w));
    const order = items.map((_, i) => i).sort((a, b) => last[a] - last[b] || a - b);
    const batches = guidedBatches(order, o.workers, o.batchesPerWorker);
    const out = await Promise.all(
      batches.map(async (at) => {
        await Promise.all([...new Set(at.flatMap((i) => [...waits[i]]))].map((g) => round.done[g]));
        const lists = at.map((i) => features[i]);
        const tables = stores.map((s) => (s === null ? [] : tableOf(lists, (k) => s.held(k)?.[0])));
        const batch = at.map((i) => items[i]);
        const r = await tasks.run({ kind: 'eval', items: batch, tables });
        return r.ok ? (r.value as EvalTaskResult) : failedBatch(batch, `worker failed twice: ${r.error.message}`);
      }),
    );
    for (const b of out) localComputes += b.cacheMisses;
    evalMs += performance.now() - t0;
    return inInputOrder(out, order);
  }

  return {
    workers: o.workers,
    ...(inline ? {} : { identities }),
    async map(items) {
      const all = await listFeatures(items.map((it) => (Array.isArray(it) ? it : it.genome)));
      // When the round does not fit the store, plays that need what it holds go first and plays that
      // share new features go together, so fewer features are evicted and computed again. Results
      // never depend on the order; records come back in input order.
      const order = all.map((_, i) => i);
      if (!fitsAll(needOf(all).need)) {
        const main = stores.find((x) => x !== null);
        const fresh = all.map((f) =>
          (f ?? [])
            .flatMap((r) => r.outputs.map((o) => outputKey(r.key, o)))
            .filter((k) => !main?.has(k))
            .sort(),
        );
        const sig = fresh.map((keys) => keys.join('\n'));
        order.sort((a, b) => fresh[a].length - fresh[b].length || (sig[a] < sig[b] ? -1 : sig[a] > sig[b] ? 1 : a - b));
      }
      const features = order.map((i) => all[i]);
      const ordered = order.map((i) => items[i]);
      const out: EvalTaskResult[] = [];
      for (const [start, end] of chunkItems(features, fitsAll)) {
        const { need, uses, owners } = needOf(features.slice(start, end));
        if (!fitsAll(need)) {
          const mib = (FeatureStore.slotsOf(need) * Math.max(...stores.map((s) => s?.slotBytes ?? 0))) / 1024 ** 2;
          throw new ForgeError(
            `feature memory ${(o.featureMemory / 1024 ** 2).toFixed(0)} MiB cannot hold the ${need.size} ` +
              `feature columns of one play (~${mib.toFixed(0)} MiB per dataset)`,
            `raise --feature-memory (e.g. --feature-memory ${Math.ceil((mib * datasets.length * 2) / 64) * 64}MB)`,
            'E_FEATURE_MEMORY',
          );
        }
        const missing: { dataset: number; wire: WireFeature }[] = [];
        stores.forEach((store, d) => {
          if (store === null) return;
          const wires = wiresOf(store.admit(need, uses), owners);
          store.recordComputed(wires.length);
          for (const wire of wires) missing.push({ dataset: d, wire });
        });
        const round = missing.length > 0 ? startFeatures(missing) : NO_FEATURE_ROUND;
        out.push(...(await evalRound(ordered.slice(start, end), features.slice(start, end), round)));
      }
      return inInputOrder(out, order);
    },
    stats: () => ({
      features: sumStats(stores.filter((s): s is FeatureStore => s !== null).map((s) => s.stats())),
      localComputes,
      featureMs,
      evalMs,
    }),
    close: () => tasks.close(),
  };
}
