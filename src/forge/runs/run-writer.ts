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
  /** A due write taken at a generation's end, done on the next turn of the event loop (see add). */
  private deferred: (() => void) | null = null;
  private deferredError: unknown = null;
  /** Time spent in `add` and `flush`, and flushes done: the fixed cost per generation, measured. */
  persistMs = 0;
  flushes = 0;
  generations = 0;

  constructor(
    private readonly files: RunFiles,
    private readonly intervalMs = 1_000,
    /** Called after each completed write (the store's catch-up reads what was written). */
    private readonly written: () => void = () => {},
  ) {}

  /**
   * Records a finished generation; when a write is due, its content is fixed now (the snapshot is
   * serialised here) and the encoding and file writes run on the next turn of the event loop: by
   * then the search has handed the next generation to the pool, so the coordinator writes while
   * the workers evaluate instead of before. A write error surfaces at the next add or flush.
   */
  add(generation: number, rows: FreshEvaluation[], snapshot: () => RunSnapshot): void {
    const t = performance.now();
    this.settle();
    this.pending.push({ generation, rows });
    this.generations++;
    if (t - this.lastFlush >= this.intervalMs) {
      const job = this.writer(snapshot());
      this.deferred = job;
      setImmediate(() => {
        if (this.deferred !== job) return; // already done by a settle
        const t0 = performance.now();
        try {
          this.settle();
        } catch (err) {
          this.deferredError = err;
        }
        this.persistMs += performance.now() - t0;
      });
    }
    this.persistMs += performance.now() - t;
  }

  /** Writes what is pending (nothing when nothing is). Call between generations and before exit. */
  flush(snapshot: () => RunSnapshot): void {
    const t = performance.now();
    this.settle();
    if (this.pending.length > 0) this.writer(snapshot())();
    this.persistMs += performance.now() - t;
  }

  /** Runs a deferred write now, and rethrows the error of one that failed (callers time it). */
  private settle(): void {
    const job = this.deferred;
    this.deferred = null;
    job?.();
    if (this.deferredError !== null) {
      const err = this.deferredError;
      this.deferredError = null;
      throw err;
    }
  }

  /** The write of everything pending with this snapshot: Parquet files first, the checkpoint last. */
  private writer(snap: RunSnapshot): () => void {
    const pending = this.pending;
    this.pending = [];
    const hallOfFame = JSON.stringify(snap.hallOfFame, null, 2) + '\n';
    const stats = JSON.stringify(snap.stats, null, 2) + '\n';
    const checkpoint = JSON.stringify(snap.checkpoint);
    return () => {
      for (const { generation, rows } of pending)
        writeGenerationParquet(this.files.parquetOf(generation), generation, rows);
      writeFileAtomic(this.files.hallOfFamePath, hallOfFame);
      writeFileAtomic(this.files.statsPath, stats);
      writeFileAtomic(this.files.checkpointPath, checkpoint);
      this.lastFlush = performance.now();
      this.flushes++;
      this.written();
    };
  }
}
