import os from 'node:os';
import { fileURLToPath } from 'node:url';
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
}

export const POOL_DEFAULTS: Omit<PoolOptions, 'workerData'> = Object.freeze({ workers: defaultWorkers(), batchesPerWorker: 4 });

/**
 * One worker per core. The main thread only waits while a generation is evaluated, so it needs no
 * core of its own (bench/RESULTS.md has the cores vs cores-1 measurement).
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
    throw new ForgeError(`workers: got ${merged.workers}, expected an integer >= 1`, `use --workers 1..${defaultWorkers() * 2}`, 'E_POOL');
  }
  if (!Number.isInteger(merged.batchesPerWorker) || merged.batchesPerWorker < 1) {
    throw new ForgeError(`batchesPerWorker: got ${merged.batchesPerWorker}, expected an integer >= 1`, 'use e.g. 4', 'E_POOL');
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
  const piscina = new Piscina<T[], B>({
    filename: compiledPath(workerFile),
    minThreads: o.workers,
    maxThreads: o.workers,
    idleTimeout: 60_000,
    workerData: options.workerData,
  });
  const runBatch = async (batch: T[]): Promise<B> => {
    try {
      return await piscina.run(batch);
    } catch {
      try {
        return await piscina.run(batch); // the dead worker has been replaced; one more try
      } catch (err) {
        return onBatchFailure(batch, err instanceof Error ? err : new Error(String(err)));
      }
    }
  };
  return {
    workers: o.workers,
    map: async (items) => {
      return Promise.all(splitBatches(items, o.workers * o.batchesPerWorker).map(runBatch));
    },
    close: () => piscina.destroy(),
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
