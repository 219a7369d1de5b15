import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ForgeError } from '../../engine/errors.js';

// `map` for the GA: items go out in batches sized to keep every worker busy (a few batches per
// worker so a slow batch does not leave the others idle at the end of a generation), results come
// back in input order whatever finishes first. A worker that dies takes its batch with it; piscina
// replaces the worker and the batch is retried once, then its items are reported as failed.

export interface PoolOptions {
  /** Worker threads; 1 runs in the main thread (no pool at all). */
  readonly workers: number;
  /** Batches per worker per map call: more balances better, fewer costs less messaging. */
  readonly batchesPerWorker: number;
  /** Data every worker receives once at start (SharedArrayBuffers are shared, not copied). */
  readonly workerData: unknown;
  /** V8 heap limits of each worker thread (node:worker_threads ResourceLimits); none by default. */
  readonly resourceLimits?: ResourceLimits;
}

export const POOL_DEFAULTS: Omit<PoolOptions, 'workerData'> = Object.freeze({
  workers: defaultWorkers(),
  batchesPerWorker: 4,
});

/**
 * One evaluating thread per core. The evaluation pool counts the main thread as one of them
 * (hybrid.ts); a plain thread pool's main thread only waits while a generation is evaluated, so it
 * needs no core of its own (bench/RESULTS.md has the cores vs cores-1 measurement).
 */
export function defaultWorkers(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** Runs batches of items; `map` returns one batch result per batch, in the order of the items. */
export interface BatchPool<T, B> {
  readonly workers: number;
  map(items: readonly T[]): Promise<B[]>;
  close(): Promise<void>;
}

/** A batch handler as a worker module exports it (its default export): a batch in, one result out. */
export type BatchHandler<T, B> = (items: T[]) => B | Promise<B>;

export function validatePoolOptions(o: Partial<PoolOptions>): Omit<PoolOptions, 'workerData'> {
  const merged = { ...POOL_DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(merged.workers) || merged.workers < 1) {
    throw new ForgeError(
      `workers: got ${merged.workers}, expected an integer >= 1`,
      `use --workers 1..${defaultWorkers() * 2}`,
      'E_POOL',
    );
  }
  if (!Number.isInteger(merged.batchesPerWorker) || merged.batchesPerWorker < 1) {
    throw new ForgeError(
      `batchesPerWorker: got ${merged.batchesPerWorker}, expected an integer >= 1`,
      'use e.g. 4',
      'E_POOL',
    );
  }
  return merged;
}

/** Splits `items` into `parts` contiguous slices of near-equal size (none empty). */
export function splitBatches<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.min(parts, items.length);
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.ceil((items.length - start) / (n - i));
    out.push(items.slice(start, end));
    start = end;
  }
  return out;
}

/** `--workers 1`: the same handler in the main thread, one batch, no threads. */
export function inlinePool<T, B>(handler: BatchHandler<T, B>): BatchPool<T, B> {
  return {
    workers: 1,
    map: async (items) => (items.length ? [await handler(items.slice())] : []),
    close: async () => {},
  };
}

/** A task's outcome: the handler's result, or the error of the (second) failed try. */
export type TaskResult<Out> = { ok: true; value: Out } | { ok: false; error: Error };

/** One task in, one result out, on a worker thread (or inline); a task that kills its worker is retried once. */
export interface TaskPool<In, Out> {
  readonly workers: number;
  /** The handler's result, or the error of the second failed try. */
  run(task: In): Promise<TaskResult<Out>>;
  close(): Promise<void>;
}

export const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** `threads` piscina threads of a compiled worker module (taskPool's, and hybrid.ts' beside the main thread). */
export function piscinaOf<In, Out>(
  workerFile: URL,
  options: Partial<PoolOptions>,
  threads: number,
  concurrentTasksPerWorker = 1,
): Piscina<In, Out> {
  return new Piscina<In, Out>({
    filename: compiledPath(workerFile),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker,
    idleTimeout: 60_000,
    workerData: options.workerData,
    ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
  });
}

/** A task on piscina; one that kills its thread is tried once more (piscina has replaced the thread). */
export async function runRetried<In, Out>(piscina: Piscina<In, Out>, task: In): Promise<TaskResult<Out>> {
  try {
    return { ok: true, value: await piscina.run(task) };
  } catch {
    try {
      return { ok: true, value: await piscina.run(task) };
    } catch (err) {
      return { ok: false, error: asError(err) };
    }
  }
}

/** A piscina pool over a compiled worker module whose default export handles one task. */
export function taskPool<In, Out>(workerFile: URL, options: Partial<PoolOptions>): TaskPool<In, Out> {
  const o = validatePoolOptions(options);
  const piscina = piscinaOf<In, Out>(workerFile, options, o.workers);
  return {
    workers: o.workers,
    run: (task) => runRetried(piscina, task),
    close: () => piscina.destroy(),
  };
}

/** The same contract in the main thread: `--workers 1`, no threads. */
export function inlineTaskPool<In, Out>(handler: (task: In) => Out | Promise<Out>): TaskPool<In, Out> {
  return {
    workers: 1,
    run: async (task) => {
      try {
        return { ok: true, value: await handler(task) };
      } catch (err) {
        return { ok: false, error: asError(err) };
      }
    },
    close: async () => {},
  };
}

/**
 * A piscina pool over a compiled worker module whose default export is a BatchHandler.
 * `onBatchFailure` turns a batch that failed twice into a result (e.g. worst fitness for each item).
 */
export function threadPool<T, B>(
  workerFile: URL,
  options: Partial<PoolOptions>,
  onBatchFailure: (items: T[], error: Error) => B,
): BatchPool<T, B> {
  const o = validatePoolOptions(options);
  const tasks = taskPool<T[], B>(workerFile, options);
  const runBatch = async (batch: T[]): Promise<B> => {
    const r = await tasks.run(batch);
    return r.ok ? r.value : onBatchFailure(batch, r.error);
  };
  return {
    workers: o.workers,
    map: async (items) => Promise.all(splitBatches(items, o.workers * o.batchesPerWorker).map(runBatch)),
    close: () => tasks.close(),
  };
}

/**
 * Workers run JavaScript: when this code runs from TypeScript sources (tests), point at the same
 * module in dist/, which `npm run build` produces.
 */
export function compiledPath(file: URL): string {
  const p = fileURLToPath(file);
  return p.endsWith('.ts') ? p.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2').replace(/\.ts$/, '.js') : p;
}
