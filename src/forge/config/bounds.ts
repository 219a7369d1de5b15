import fs from 'node:fs';
import v8 from 'node:v8';
import { ForgeError } from '../../engine/errors.js';
import { parsePlay } from '../../engine/play/index.js';
import { defaultWorkers as cores } from '../pool/pool.js';

// Upper bounds checked when a config is read, so a typo (--workers 1000, population: 1e9) fails in
// a second with a message instead of after minutes of threads or a heap crash.

/** More threads than this only add memory and contention: each worker holds its own caches. */
export const WORKERS_PER_CORE_LIMIT = 4;

/** Refuses a worker count above 4x the cores; returns a warning above the core count (the CLI prints it). */
export function checkWorkers(workers: number | undefined, key = 'workers'): string | undefined {
  if (workers === undefined) return undefined;
  const n = cores();
  if (workers > WORKERS_PER_CORE_LIMIT * n) {
    throw new ForgeError(
      `${key}: ${workers} worker threads on ${n} core${n > 1 ? 's' : ''} (at most ` +
        `${WORKERS_PER_CORE_LIMIT * n}, ${WORKERS_PER_CORE_LIMIT}x the cores)`,
      `use --workers ${n} (one per core) or leave it out for the default`,
      'E_CONFIG',
    );
  }
  return workers > n
    ? `${workers} workers on ${n} core${n > 1 ? 's' : ''}: more ` +
        'threads than cores only add memory and contention, not speed'
    : undefined;
}

/**
 * Bytes one evaluation keeps for the whole run: its entry in the evaluated set (under 4 bytes when it
 * writes runs to the run folder, as evolve's does; at most 30 in memory, test/forge/ga/digest-table.test.ts).
 * Records live in the run's Parquet files and the checkpoint is O(population) (issue 10 point 9), so
 * the 1 KB this used to be (a 72k-evaluation run once held its records and a 34 MB checkpoint) is gone.
 */
export const BYTES_PER_EVALUATION = 32;
/** Bytes one generation keeps: its statistics entry in generations.json, held by the writer (~300). */
const BYTES_PER_GENERATION = 512;
/** A genome is a number array (8 bytes a gene plus its header); the GA holds a few generations of them. */
const BYTES_PER_GENE = 8;
const GENOME_COPIES = 4;

export interface SearchSize {
  readonly population: number;
  readonly generations: number;
  /** How many searches run side by side (walk-forward windows); 1 for evolve. */
  readonly searches?: number;
}

/** Bytes a search may hold at its end: every population and every distinct evaluation so far. */
export function searchBytes(s: SearchSize, genes: number): number {
  const searches = s.searches ?? 1;
  return (
    searches *
    (s.population * (genes * BYTES_PER_GENE + 64) * GENOME_COPIES +
      s.population * s.generations * BYTES_PER_EVALUATION +
      s.generations * BYTES_PER_GENERATION)
  );
}

/** Refuses a population x generations the heap of this process cannot hold, naming the keys. */
export function checkSearchSize(
  s: SearchSize,
  genes: number,
  prefix = 'ga.',
  heapLimit = v8.getHeapStatistics().heap_size_limit,
): void {
  const need = searchBytes(s, genes);
  if (need <= heapLimit) return;
  const gb = (b: number) => `${(b / 1024 ** 3).toFixed(b < 1024 ** 3 ? 2 : 1)} GB`;
  const fit = Math.max(
    2,
    Math.floor(
      (heapLimit / (s.searches ?? 1) - s.generations * BYTES_PER_GENERATION) /
        (s.generations * BYTES_PER_EVALUATION + genes * BYTES_PER_GENE * GENOME_COPIES),
    ),
  );
  throw new ForgeError(
    `${prefix}population: ${s.population.toLocaleString('en-US')} x ${s.generations.toLocaleString('en-US')} ` +
      `generations of ${genes} genes needs about ${gb(need)} of memory; this process may use ${gb(heapLimit)}`,
    `lower ${prefix}population (at most about ${fit.toLocaleString('en-US')} ` +
      `with ${s.generations} generations) or ${prefix}generations`,
    'E_CONFIG',
  );
}

/** Genes of a play, for the memory estimate; a play that does not parse reports itself when the run starts. */
export function genesIn(playFile: string): number {
  try {
    return parsePlay(fs.readFileSync(playFile, 'utf8'), playFile).genes.length;
  } catch {
    return 0;
  }
}
