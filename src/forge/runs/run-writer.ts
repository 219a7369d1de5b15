import { writeFileAtomic } from '../atomic.js';
import { writeGenerationParquet } from './generation-file.js';
import type { FreshEvaluation } from './record.js';

// A run folder's writes, batched. Each generation used to write four files with an fsync each (its
// evaluations Parquet, hall_of_fame.json, generations.json, checkpoint.json): a fixed ~100+ ms a
// generation that dominated small searches. Now a generation's rows are kept in memory and written
// at most every `intervalMs` (and always for the first generation of a process and at the end), the
// Parquet files first and the checkpoint last. A kill loses at most the generations since the last
// flush; the resume repeats them from the checkpoint and, being deterministic, writes the same files.

export interface RunFiles {
  readonly parquetOf: (generation: number) => string;
  readonly hallOfFamePath: string;
  readonly statsPath: string;
  readonly checkpointPath: string;
}

/** What a flush writes besides the pending Parquet rows, taken at flush time (consistent with them). */
export interface RunSnapshot {
  readonly hallOfFame: unknown;
  readonly stats: unknown;
  readonly checkpoint: unknown;
}

export class RunWriter {
  private pending: { generation: number; rows: FreshEvaluation[] }[] = [];
  private lastFlush = -Infinity;
  /** Time spent in `add` and `flush`, and flushes done: the fixed cost per generation, measured. */
  persistMs = 0;
  flushes = 0;
  generations = 0;

  constructor(
    private readonly files: RunFiles,
    private readonly intervalMs = 1_000,
  ) {}

  /** Records a finished generation; flushes when due. `snapshot` is called only when it flushes. */
  add(generation: number, rows: FreshEvaluation[], snapshot: () => RunSnapshot): void {
    const t = performance.now();
    this.pending.push({ generation, rows });
    this.generations++;
    if (t - this.lastFlush >= this.intervalMs) this.write(snapshot());
    this.persistMs += performance.now() - t;
  }

  /** Writes what is pending (nothing when nothing is). Call between generations and before exit. */
  flush(snapshot: () => RunSnapshot): void {
    if (this.pending.length === 0) return;
    const t = performance.now();
    this.write(snapshot());
    this.persistMs += performance.now() - t;
  }

  private write(snap: RunSnapshot): void {
    for (const { generation, rows } of this.pending)
      writeGenerationParquet(this.files.parquetOf(generation), generation, rows);
    this.pending = [];
    writeFileAtomic(this.files.hallOfFamePath, JSON.stringify(snap.hallOfFame, null, 2) + '\n');
    writeFileAtomic(this.files.statsPath, JSON.stringify(snap.stats, null, 2) + '\n');
    writeFileAtomic(this.files.checkpointPath, JSON.stringify(snap.checkpoint));
    this.lastFlush = performance.now();
    this.flushes++;
  }
}
