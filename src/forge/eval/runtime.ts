import v8 from 'node:v8';
import type { Feed } from '../../engine/types.js';
import { sharedFeeds, type SharedDataset } from '../shared/columns.js';
import { LruFeatureCache } from './cache.js';
import {
  createEvaluator,
  evaluateBatch,
  type EvalBatchResult,
  type EvalItem,
  type EvalJob,
  type Evaluator,
} from './evaluator.js';
import { SlabViews, type SlabLayout } from './feature-slab.js';
import { playFeatures, type PlaySpace } from '../../engine/play/index.js';
import { sharedPlaySpace } from './resolved-plays.js';
import { identityOf } from '../ga/play-identity.js';
import {
  computeInto,
  eachPlay,
  itemFeatures,
  planToWire,
  type WireFeature,
  type WirePlanFeature,
} from './feature-stage.js';
import { SlabFeatureCache } from './slab-cache.js';

// What runs inside each worker of the evaluation pool (and in the main thread with --workers 1):
// built once from the run's shared buffers, then each task either computes features into the slab
// or evaluates a batch of plays reading them. Candles and features are views over shared memory.

export interface EvalWorkerData {
  readonly job: EvalJob;
  /** The main dataset, then the job's regime datasets in job.regimes order. */
  readonly datasets: readonly SharedDataset[];
  /** One slab per dataset (null where the dataset lacks the play's timeframe). */
  readonly slabs: readonly (SlabLayout | null)[];
}

/** Key and slots of the features a batch may read, one list per dataset. */
export type FeatureTable = readonly (readonly [string, readonly number[]])[];

export type EvalTask =
  | { readonly kind: 'features'; readonly dataset: number; readonly features: readonly WireFeature[] }
  | { readonly kind: 'eval'; readonly items: EvalItem[]; readonly tables: readonly FeatureTable[] }
  | { readonly kind: 'plan'; readonly genomes: readonly (readonly number[])[] }
  | { readonly kind: 'identify'; readonly genomes: readonly (readonly number[])[] };

/** The features of each genome's play (null where the genome does not resolve), in genome order. */
export interface PlanTaskResult {
  readonly features: (WirePlanFeature[] | null)[];
}

export interface FeatureTaskResult {
  /** Features whose computation threw (their plays compute them again and record the error). */
  readonly failed: { readonly key: string; readonly error: string }[];
}

/** Each genome's strategy identity (see ga/play-identity.ts) and its features: one resolve serves both. */
export interface IdentifyTaskResult extends PlanTaskResult {
  readonly identities: (string | null)[];
}

/** What a task returns, by kind: features, eval, plan, identify. */
export type EvalTaskOutput = FeatureTaskResult | EvalTaskResult | PlanTaskResult | IdentifyTaskResult;

/** A batch's records and counters; cacheMisses counts features computed outside the stage (0 when it works). */
export interface EvalTaskResult extends EvalBatchResult {
  readonly threadId: number;
  readonly busyMs: number;
  /** This thread's memory after the batch, and right after start-up (features and evaluations not yet run). */
  readonly memory: ThreadMemory;
  readonly baseline: ThreadMemory;
}

/**
 * A thread's own memory: in a worker, v8.getHeapStatistics() reports the worker's isolate (heap, and
 * external memory including its own ArrayBuffers); the shared candles and feature slabs belong to the
 * main thread and are not counted, which makes "memory per worker" separable from the data.
 */
export interface ThreadMemory {
  readonly bytes: number;
  readonly heapUsed: number;
  readonly external: number;
  /** Private feature arrays (fallback caches), part of `external`. */
  readonly privateBytes: number;
}

export class EvalRuntime {
  private readonly feeds: Readonly<Record<string, Feed>>[];
  private readonly views: (SlabViews | null)[];
  private readonly caches: SlabFeatureCache[];
  private readonly evaluator: Evaluator;
  /** Resampled higher-timeframe feeds the feature tasks need (datasets normally hold them). */
  private readonly feedCaches: LruFeatureCache[];
  /** Per dataset, a column per output index for the outputs of a feature that no play reads. */
  private readonly scratch: Float64Array[][];

  readonly baseline: ThreadMemory;
  /** The play's search space, to list the features of genomes (plan tasks). */
  private readonly space: PlaySpace;

  constructor(
    data: EvalWorkerData,
    private readonly threadId = 0,
  ) {
    this.space = sharedPlaySpace(data.job.playText, data.job.playFile);
    this.feeds = data.datasets.map(sharedFeeds);
    this.views = data.slabs.map((s) => (s === null ? null : new SlabViews(s)));
    // job.cacheBytes bounds each dataset's private caches: resampled feeds, features the stage lacks.
    this.caches = this.views.map((v) => new SlabFeatureCache(v, data.job.cacheBytes));
    this.feedCaches = data.datasets.map(() => new LruFeatureCache(data.job.cacheBytes));
    this.scratch = data.datasets.map(() => []);
    this.evaluator = createEvaluator(data.job, this.feeds[0], this.feeds.slice(1), this.caches);
    this.baseline = this.memory();
  }

  memory(): ThreadMemory {
    // The isolate's figures alone: process.memoryUsage() also reads the process's RSS from /proc, which
    // took 3.6 % of each worker's time in a 10-minute evolve (one call per batch; bench/RESULTS.md).
    const m = v8.getHeapStatistics();
    return {
      bytes: m.used_heap_size + m.external_memory,
      heapUsed: m.used_heap_size,
      external: m.external_memory,
      privateBytes: this.privateBytes(),
    };
  }

  run(task: EvalTask): EvalTaskOutput {
    if (task.kind === 'plan') return { features: planToWire(itemFeatures(this.space, task.genomes)) };
    if (task.kind === 'identify') return this.identify(task.genomes);
    return task.kind === 'features'
      ? this.features(task.dataset, task.features)
      : this.evaluate(task.items, task.tables);
  }

  identify(genomes: readonly (readonly number[])[]): IdentifyTaskResult {
    const read = eachPlay(this.space, genomes, (play) => ({
      identity: identityOf(play),
      features: playFeatures(play),
    }));
    return {
      identities: read.map((r) => r?.identity ?? null),
      features: planToWire(read.map((r) => r?.features ?? null)),
    };
  }

  features(dataset: number, features: readonly WireFeature[]): FeatureTaskResult {
    const views = this.views[dataset];
    if (views === null) throw new Error(`internal: feature task for dataset ${dataset}, which has no slab`);
    const feeds = this.feeds[dataset];
    const failed: { key: string; error: string }[] = [];
    const scratch = this.scratch[dataset];
    const column = (o: number) => (scratch[o] ??= new Float64Array(views.slab.slotLength));
    for (const w of features) {
      try {
        const exec = feeds[views.slab.tf];
        if (exec === undefined) throw new Error(`internal: the dataset has no ${views.slab.tf} bars for its slab`);
        computeInto(w, exec, feeds, this.feedCaches[dataset], views, column);
      } catch (err) {
        failed.push({ key: w.key, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return { failed };
  }

  evaluate(items: EvalItem[], tables: readonly FeatureTable[]): EvalTaskResult {
    const t0 = performance.now();
    this.caches.forEach((c, d) => {
      c.bind(tables[d] ?? []);
    });
    const r = evaluateBatch(this.evaluator, items);
    for (const c of this.caches) c.bind([]);
    return {
      ...r,
      threadId: this.threadId,
      busyMs: performance.now() - t0,
      memory: this.memory(),
      baseline: this.baseline,
    };
  }

  /** Bytes of this runtime's private feature arrays (the shared slabs excluded). */
  privateBytes(): number {
    return this.caches.reduce((s, c) => s + c.byteSize, 0) + this.feedCaches.reduce((s, c) => s + c.byteSize, 0);
  }
}
