import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvaluatedSet } from '../../../src/forge/ga/evaluated.js';
import { readEvaluated } from '../../../src/forge/runs/evaluated-files.js';
import { RunWriter } from '../../../src/forge/runs/run-writer.js';
import type { EvalRecord } from '../../../src/forge/eval/evaluator.js';

// The run folder's batched writes (issue 11 point 3): the first generation at once, later ones when
// the interval has passed or on flush, Parquet before the checkpoint; and the evaluated set rebuilt
// from those Parquet files on resume (issue 10 point 9: the checkpoint holds no evaluations).

const record = (fitness: number): EvalRecord => ({ fitness, inSample: null, outOfSample: null });
const rows = (generation: number) =>
  [0, 1, 2].map((i) => ({
    key: `${generation},${i}`,
    genome: [generation, i],
    params: { g: generation },
    evaluation: record(generation * 10 + i),
  }));

describe('RunWriter', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-writer-'));
  const files = {
    parquetOf: (g: number) => path.join(dir, `gen-${g}.parquet`),
    hallOfFamePath: path.join(dir, 'hall_of_fame.json'),
    statsPath: path.join(dir, 'generations.json'),
    checkpointPath: path.join(dir, 'checkpoint.json'),
  };

  it('writes the first generation at once, batches the next ones until flush, then the evaluated set comes back from Parquet', async () => {
    const writer = new RunWriter(files, 60_000);
    const snap = (g: number) => () => ({
      hallOfFame: [],
      stats: Array.from({ length: g + 1 }, (_, i) => i),
      checkpoint: { generation: g + 1 },
    });
    writer.add(0, rows(0), snap(0));
    // Due, but written on the next turn of the event loop (while the pool evaluates the next generation).
    expect(fs.existsSync(files.parquetOf(0))).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(fs.existsSync(files.parquetOf(0))).toBe(true);
    expect(JSON.parse(fs.readFileSync(files.checkpointPath, 'utf8'))).toEqual({ generation: 1 });
    writer.add(1, rows(1), snap(1));
    writer.add(2, rows(2), snap(2));
    expect(fs.existsSync(files.parquetOf(1))).toBe(false); // deferred
    expect(JSON.parse(fs.readFileSync(files.checkpointPath, 'utf8'))).toEqual({ generation: 1 });
    writer.flush(snap(2));
    expect(fs.existsSync(files.parquetOf(2))).toBe(true);
    expect(JSON.parse(fs.readFileSync(files.checkpointPath, 'utf8'))).toEqual({ generation: 3 });
    expect(JSON.parse(fs.readFileSync(files.statsPath, 'utf8'))).toEqual([0, 1, 2]);
    expect(writer.flushes).toBe(2);
    expect(writer.generations).toBe(3);

    const seen = new EvaluatedSet();
    await readEvaluated(files.parquetOf, 3, seen);
    expect(seen.size).toBe(9);
    expect(seen.fitnessOf([2, 1])).toBe(21);
    expect(seen.has([3, 0])).toBe(false);
    await expect(readEvaluated(files.parquetOf, 4, new EvaluatedSet())).rejects.toThrow(
      /gen-3\.parquet is missing: the run's checkpoint is at generation 4/,
    );
  });

  it('writes a due generation with the snapshot of its own end, and a failed deferred write surfaces at the next call', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-writer-'));
    const at = {
      ...files,
      parquetOf: (g: number) => path.join(d, `gen-${g}.parquet`),
      checkpointPath: path.join(d, 'checkpoint.json'),
      statsPath: path.join(d, 'generations.json'),
      hallOfFamePath: path.join(d, 'hof.json'),
    };
    const state = { generation: 1 };
    const writer = new RunWriter(at, 0);
    writer.add(0, rows(0), () => ({ hallOfFame: [], stats: [], checkpoint: { ...state } }));
    state.generation = 99; // the search moves on before the write runs
    await new Promise((r) => setImmediate(r));
    expect(JSON.parse(fs.readFileSync(at.checkpointPath, 'utf8'))).toEqual({ generation: 1 });

    fs.writeFileSync(path.join(d, 'a-file'), 'x'); // a file where the writer needs a folder: ENOTDIR
    const broken = new RunWriter({ ...at, parquetOf: (g: number) => path.join(d, 'a-file', `gen-${g}.parquet`) }, 0);
    broken.add(0, rows(0), () => ({ hallOfFame: [], stats: [], checkpoint: {} }));
    await new Promise((r) => setImmediate(r));
    expect(() => broken.flush(() => ({ hallOfFame: [], stats: [], checkpoint: {} }))).toThrow(/a-file/);
  });
});
