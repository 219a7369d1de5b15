import fs from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { FAILED_FITNESS } from '../fitness.js';
import type { EvaluationColumns } from './aggregate.js';

// Every play an evolve run evaluated, read from its run folder's per-generation Parquet files (the
// source of truth; the store may lag behind a live run). Only the genome and fitness columns are
// read. Failed plays (an error, or the failure fitness) are left out: they have no place on a
// fitness map.

export async function readEvaluations(evaluationsDir: string): Promise<EvaluationColumns & { failed: number }> {
  const files = fs.existsSync(evaluationsDir)
    ? fs
        .readdirSync(evaluationsDir)
        .filter((f) => /^gen-\d+\.parquet$/.test(f))
        .sort()
    : [];
  const genomes: number[][] = [];
  const fitness: number[] = [];
  let failed = 0;
  for (const f of files) {
    const file = await asyncBufferFromFile(path.join(evaluationsDir, f));
    const rows = (await parquetReadObjects({ file, columns: ['genome', 'fitness', 'error'] })) as {
      genome: unknown;
      fitness: unknown;
      error: unknown;
    }[];
    for (const r of rows) {
      const genome = typeof r.genome === 'string' ? (JSON.parse(r.genome) as unknown) : r.genome;
      const fit = Number(r.fitness);
      if (r.error !== null && r.error !== undefined) failed++;
      else if (!Array.isArray(genome) || !Number.isFinite(fit) || fit <= FAILED_FITNESS) failed++;
      else {
        genomes.push(genome as number[]);
        fitness.push(fit);
      }
    }
  }
  return { genomes, fitness, failed };
}
