import { describe, expect, it } from 'vitest';
import { compiledPath, inlinePool, splitBatches, threadPool } from '../../../src/forge/pool/pool.js';

const WORKER = new URL('../../fixtures/echo-worker.mjs', import.meta.url);
/** What the echo worker returns per item (offset -1 and an error: the batch failed). */
interface Echo {
  x: number;
  y: number;
  offset: number;
  error?: string;
}
const failed = (items: number[], e: Error): Echo[] => items.map((x) => ({ x, y: NaN, offset: -1, error: e.message }));
const flat = async <B>(p: Promise<B[][]>) => (await p).flat();

describe('batch pool', () => {
  it('splits into near-equal contiguous batches', () => {
    expect(splitBatches([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7],
    ]);
    expect(splitBatches([1, 2], 8)).toEqual([[1], [2]]);
    expect(splitBatches([], 4)).toEqual([]);
  });

  it('returns results in input order from real worker threads', async () => {
    const pool = threadPool<number, Echo[]>(
      WORKER,
      { workers: 2, batchesPerWorker: 3, workerData: { offset: 7 } },
      failed,
    );
    try {
      const items = Array.from({ length: 100 }, (_, i) => i);
      const out = await flat(pool.map(items));
      expect(out.map((r) => r.y)).toEqual(items.map((x) => x * x));
      expect(out.every((r) => r.offset === 7)).toBe(true); // workerData reached every worker
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker that dies and retries its batch once, then reports the batch failed', async () => {
    const pool = threadPool<number, Echo[]>(
      WORKER,
      { workers: 2, batchesPerWorker: 1, workerData: { offset: 0, crashOnce: new SharedArrayBuffer(4) } },
      failed,
    );
    try {
      const out = await flat(pool.map([1, 2, -3, 4]));
      expect(out.map((r) => r.y)).toEqual([1, 4, 9, 16]); // the crash was retried on a fresh worker
      const dead = await flat(pool.map([5, -999]));
      expect(dead.map((r) => r.offset)).toEqual([0, -1]); // [5] ran; [-999] failed twice: reported, run goes on
      expect((await flat(pool.map([6]))).map((r) => r.y)).toEqual([36]);
    } finally {
      await pool.close();
    }
  });

  it('maps TypeScript sources to their compiled dist/ twins', () => {
    expect(compiledPath(new URL('file:///x/forge/src/forge/pool/worker.ts'))).toBe(
      '/x/forge/dist/forge/pool/worker.js',
    );
    expect(compiledPath(new URL('file:///x/src/app/src/forge/w.ts'))).toBe('/x/src/app/dist/forge/w.js');
  });

  it('runs inline for one worker', async () => {
    const pool = inlinePool((xs: number[]) => xs.map((x) => x + 1));
    expect(await pool.map([1, 2])).toEqual([[2, 3]]);
  });
});
