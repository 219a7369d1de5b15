import fs from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { ForgeError } from '../../engine/errors.js';
import type { EvaluatedSet } from '../ga/evaluated.js';

// On resume, the set of plays already evaluated comes back from the run's append-only per-generation
// Parquet files instead of the checkpoint, which keeps the checkpoint O(population) over a night.

/** Adds every evaluation of generations [0, generations) to `seen`; a missing file is a clear error. */
export async function readEvaluated(
  parquetOf: (generation: number) => string,
  generations: number,
  seen: EvaluatedSet,
): Promise<void> {
  for (let g = 0; g < generations; g++) {
    const file = parquetOf(g);
    if (!fs.existsSync(file)) {
      throw new ForgeError(
        `${file} is missing: the run's checkpoint is at generation ${generations}, ` +
          "and resuming needs every earlier generation's evaluations",
        'restore the file, or start the run again in a new home (the same flags find the same result)',
        'E_RUN_FILES',
      );
    }
    const buf = fs.readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const rows = (await parquetReadObjects({ file: ab, columns: ['genome', 'fitness'] })) as {
      genome: unknown;
      fitness: number;
    }[];
    for (const r of rows)
      seen.add((typeof r.genome === 'string' ? JSON.parse(r.genome) : r.genome) as number[], r.fitness);
  }
}
