import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GenerationStats } from '../../../src/forge/ga/optimizer.js';
import { generationParquet, writeGenerationParquet } from '../../../src/forge/runs/generation-file.js';
import { syncGenerations, type RunRow } from '../../../src/forge/runs/record.js';
import { inStoreChild, startStoreChild } from '../../../src/forge/store/child.js';
import { withStore } from '../../../src/forge/store/store.js';

// The store's catch-up from a run folder, in batches of generations (one transaction each) and from
// the child process a search uses: every generation's statistics row and evaluations arrive once,
// a repeated sync adds nothing, and a child's failure reaches the caller with its cause. A child
// started ahead of its request (a search's first, store-sync.ts) answers it later, is replaced when it
// died while it waited, and leaves when it is not needed.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-record-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const run: RunRow = {
  runId: '0123456789abcdef',
  kind: 'evolve',
  dataset: 'D',
  datasetHash: 'h',
  datasetSource: 'synthetic',
  seed: '1',
  config: { pop: 3 },
};
const stat = (g: number): GenerationStats => ({
  generation: g,
  evaluated: 3,
  reused: 0,
  best: g,
  mean: g / 2,
  median: g / 2,
  worst: 0,
  std: 1,
  diversity: 0.5,
  immigrants: 0,
});

function runFolder(name: string, generations: number): { dir: string; stats: GenerationStats[] } {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const stats = [];
  for (let g = 0; g < generations; g++) {
    writeGenerationParquet(
      generationParquet(dir, g),
      g,
      [0, 1, 2].map((i) => ({
        key: `g${g}-${i}`,
        genome: [g, i],
        params: { g, i },
        evaluation: { fitness: g + i / 10, inSample: null, outOfSample: null },
      })) as never,
    );
    stats.push(stat(g));
  }
  return { dir, stats };
}

const counts = (storePath: string) =>
  withStore(storePath, { readOnly: true }, async (s) => ({
    generations: (await s.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM generations'))[0].n,
    evaluations: (await s.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM evaluations'))[0].n,
    fitness: (await s.all<{ f: number }>('SELECT sum(fitness) AS f FROM evaluations'))[0].f,
  }));

describe('syncGenerations', () => {
  it('adds 7 generations in batches of 2, each once; a repeated sync adds none', async () => {
    const { dir, stats } = runFolder('batched', 7);
    const storePath = path.join(root, 'batched.duckdb');
    const progress = { generationsDone: 7, status: 'finished', bestFitness: 6 };
    const parquetOf = (g: number) => generationParquet(dir, g);
    expect(await withStore(storePath, {}, (s) => syncGenerations(s, run, stats, parquetOf, progress, 2))).toBe(7);
    expect(await withStore(storePath, {}, (s) => syncGenerations(s, run, stats, parquetOf, progress, 2))).toBe(0);
    // sum over g < 7, i < 3 of g + i/10 = 3 * 21 + 7 * 0.3
    expect(await counts(storePath)).toEqual({ generations: 7, evaluations: 21, fitness: expect.closeTo(65.1, 9) });
  });

  it('a sync given only the later statistics (as a running search sends them) adds exactly the missing ones', async () => {
    const { dir, stats } = runFolder('incremental', 7);
    const storePath = path.join(root, 'incremental.duckdb');
    const progress = { generationsDone: 7, status: 'running', bestFitness: 6 };
    const parquetOf = (g: number) => generationParquet(dir, g);
    expect(await withStore(storePath, {}, (s) => syncGenerations(s, run, stats.slice(0, 4), parquetOf, progress))).toBe(
      4,
    );
    // One generation already in, sent again: it is skipped, not duplicated (the table has no key).
    expect(await withStore(storePath, {}, (s) => syncGenerations(s, run, stats.slice(3), parquetOf, progress))).toBe(3);
    expect(await counts(storePath)).toEqual({ generations: 7, evaluations: 21, fitness: expect.closeTo(65.1, 9) });
  });

  it('runs in a child process with the same result, and a child error keeps its code', async () => {
    const { dir, stats } = runFolder('child', 3);
    const storePath = path.join(root, 'child.duckdb');
    const request = {
      op: 'sync-run' as const,
      storePath,
      waitMs: 0,
      run,
      stats,
      evaluationsDir: dir,
      progress: { generationsDone: 3, status: 'running', bestFitness: 2 },
    };
    expect(await inStoreChild<number>(request)).toBe(3);
    expect(await counts(storePath)).toEqual({ generations: 3, evaluations: 9, fitness: expect.closeTo(9.9, 9) });
    fs.writeFileSync(path.join(root, 'not-a-store.duckdb'), 'this is not a DuckDB file, it is text long enough');
    await expect(inStoreChild({ ...request, storePath: path.join(root, 'not-a-store.duckdb') })).rejects.toMatchObject({
      code: 'E_STORE_CORRUPT',
      message: expect.stringContaining('not-a-store.duckdb'),
    });
  });

  it('a child started ahead answers later; one killed while it waited is replaced; an unused one leaves', async () => {
    const { dir, stats } = runFolder('ahead', 2);
    const storePath = path.join(root, 'ahead.duckdb');
    const progress = { generationsDone: 2, status: 'finished', bestFitness: 1 };
    const request = { op: 'sync-run' as const, storePath, waitMs: 0, run, stats, evaluationsDir: dir, progress };
    const gone = async (pid: number | undefined) => {
      for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
      return !alive(pid);
    };

    const ahead = startStoreChild();
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(ahead.pid)).toBe(true); // waiting for its request
    expect(await ahead.request<number>(request)).toBe(2);
    expect(await gone(ahead.pid)).toBe(true);

    const killed = startStoreChild();
    process.kill(killed.pid!, 'SIGKILL');
    expect(await gone(killed.pid)).toBe(true);
    expect(await killed.request<number>({ ...request, stats: [...stats, stat(2)] })).toBe(0); // g2 has no file
    expect(await counts(storePath)).toEqual({ generations: 2, evaluations: 6, fitness: expect.closeTo(3.6, 9) });

    const unused = startStoreChild();
    unused.dispose();
    expect(await gone(unused.pid)).toBe(true);
  });
});

function alive(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
}
