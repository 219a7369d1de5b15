import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { EvaluatedSet } from '../../../src/forge/ga/evaluated.js';
import { readEvaluated } from '../../../src/forge/runs/evaluated-files.js';
import { generationParquet } from '../../../src/forge/runs/generation-file.js';
import { RunWriter } from '../../../src/forge/runs/run-writer.js';
import { ForgeError } from '../../../src/engine/errors.js';
import type { EvalRecord } from '../../../src/forge/eval/evaluator.js';
import type { GeneDef } from '../../../src/engine/play/types.js';

// The run folder's batched writes (issue 11 point 3), done by a writer thread (issue 10 point 9): the
// first generation at once, later ones when the interval has passed or on flush, Parquet before the
// checkpoint; and the evaluated set rebuilt from those Parquet files on resume (the checkpoint holds no
// evaluations). Needs `npm run build` (the thread runs dist/forge/runs/write-worker.js).

const record = (fitness: number): EvalRecord => ({ fitness, inSample: null, outOfSample: null });
const gene = (p: string): GeneDef => ({ path: p, kind: 'int', min: 0, max: 100, step: 1 });
const GENES = [gene('a'), gene('b')];
const rows = (generation: number) =>
  [0, 1, 2].map((i) => ({ genome: [generation, i], evaluation: record(generation * 10 + i) }));

/** A fresh folder's run files (the Parquet files beside the JSON ones). */
function runFiles() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-writer-'));
  return {
    evaluationsDir: d,
    checkpointPath: path.join(d, 'checkpoint.json'),
    statsPath: path.join(d, 'generations.json'),
    hallOfFamePath: path.join(d, 'hof.json'),
  };
}

describe('RunWriter', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-writer-'));
  const parquetOf = (g: number) => generationParquet(dir, g);
  const files = {
    evaluationsDir: dir,
    hallOfFamePath: path.join(dir, 'hall_of_fame.json'),
    statsPath: path.join(dir, 'generations.json'),
    checkpointPath: path.join(dir, 'checkpoint.json'),
  };

  it('writes the first generation at once, batches the next ones until flush, then the evaluated set comes back from Parquet', async () => {
    const writer = new RunWriter(files, GENES, { intervalMs: 60_000 });
    const snap = (g: number) => () => ({
      hallOfFame: [],
      stats: Array.from({ length: g + 1 }, (_, i) => i),
      checkpoint: { generation: g + 1 },
    });
    writer.add(0, rows(0), snap(0)); // due: handed to the writer thread at once
    await writer.flush(snap(0)); // nothing left to hand over: only waits for the thread
    expect(fs.existsSync(parquetOf(0))).toBe(true);
    expect(JSON.parse(fs.readFileSync(files.checkpointPath, 'utf8'))).toEqual({ generation: 1 });
    writer.add(1, rows(1), snap(1));
    writer.add(2, rows(2), snap(2));
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(parquetOf(1))).toBe(false); // not due before the interval
    expect(JSON.parse(fs.readFileSync(files.checkpointPath, 'utf8'))).toEqual({ generation: 1 });
    await writer.flush(snap(2));
    expect(fs.existsSync(parquetOf(2))).toBe(true);
    expect(JSON.parse(fs.readFileSync(files.checkpointPath, 'utf8'))).toEqual({ generation: 3 });
    expect(JSON.parse(fs.readFileSync(files.statsPath, 'utf8'))).toEqual([0, 1, 2]);
    expect(writer.flushes).toBe(2);
    expect(writer.generations).toBe(3);
    await writer.close();

    // The thread derives each row's key and parameters from its genome and the play's genes.
    const buf = fs.readFileSync(parquetOf(2));
    const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const written = await parquetReadObjects({ file, columns: ['genome_key', 'params'] });
    expect(written.map((r) => [r.genome_key, r.params])).toEqual([
      ['2,0', { a: 2, b: 0 }],
      ['2,1', { a: 2, b: 1 }],
      ['2,2', { a: 2, b: 2 }],
    ]);
    const seen = new EvaluatedSet();
    await readEvaluated(parquetOf, 3, seen);
    expect(seen.size).toBe(9);
    expect(seen.fitnessOf([2, 1])).toBe(21);
    expect(seen.has([3, 0])).toBe(false);
    await expect(readEvaluated(parquetOf, 4, new EvaluatedSet())).rejects.toThrow(
      /gen-00003\.parquet is missing: the run's checkpoint is at generation 4/,
    );
  });

  it('writes a due generation with the snapshot of its own end, and a failed deferred write surfaces at the next call', async () => {
    const at = runFiles();
    const d = at.evaluationsDir;
    const state = { generation: 1 };
    const writer = new RunWriter(at, GENES, { intervalMs: 0 });
    writer.add(0, rows(0), () => ({ hallOfFame: [], stats: [], checkpoint: state }));
    state.generation = 99; // the search moves on before the write runs
    await writer.flush(() => ({ hallOfFame: [], stats: [], checkpoint: state }));
    expect(JSON.parse(fs.readFileSync(at.checkpointPath, 'utf8'))).toEqual({ generation: 1 });
    await writer.close();

    fs.writeFileSync(path.join(d, 'a-file'), 'x'); // a file where the writer needs a folder: ENOTDIR
    const broken = new RunWriter({ ...at, evaluationsDir: path.join(d, 'a-file') }, GENES, { intervalMs: 0 });
    broken.add(0, rows(0), () => ({ hallOfFame: [], stats: [], checkpoint: {} }));
    const err = await broken.flush(() => ({ hallOfFame: [], stats: [], checkpoint: {} })).catch((e) => e);
    // The thread's error arrives as the ForgeError it was (path and cause named), not an internal error.
    expect(err).toBeInstanceOf(ForgeError);
    expect(err.message).toMatch(/cannot create the folder .*a-file/);
    await broken.close();
  });

  it('writes generations.json exactly as JSON.stringify(stats, null, 2) while sending each entry once', async () => {
    const at = runFiles();
    const d = at.evaluationsDir;
    const stats: unknown[] = [];
    const writer = new RunWriter(at, GENES, { intervalMs: 0 });
    const snap = () => ({ hallOfFame: [{ a: [1, { b: null }] }], stats, checkpoint: { n: stats.length } });
    expect(fs.existsSync(at.statsPath)).toBe(false);
    for (let g = 0; g < 4; g++) {
      stats.push({
        generation: g,
        best: g === 2 ? NaN : g / 3,
        nested: { list: [g, 'x'], empty: [] },
        gone: undefined,
      });
      writer.add(g, rows(g), snap);
      await writer.flush(snap);
      expect(fs.readFileSync(at.statsPath, 'utf8')).toBe(`${JSON.stringify(stats, null, 2)}\n`);
    }
    expect(fs.readFileSync(at.hallOfFamePath, 'utf8')).toBe(`${JSON.stringify(snap().hallOfFame, null, 2)}\n`);
    await writer.close();
    const empty = new RunWriter({ ...at, statsPath: path.join(d, 'empty.json') }, GENES, { intervalMs: 0 });
    empty.add(0, rows(0), () => ({ hallOfFame: [], stats: [], checkpoint: {} }));
    await empty.flush(() => ({ hallOfFame: [], stats: [], checkpoint: {} }));
    expect(fs.readFileSync(path.join(d, 'empty.json'), 'utf8')).toBe('[]\n');
    await empty.close();
  });
});
