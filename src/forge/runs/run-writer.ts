import { Worker } from 'node:worker_threads';
import { ForgeError } from '../../engine/errors.js';
import { compiledPath } from '../pool/pool.js';
import type { GeneDef } from '../../engine/play/types.js';
import type { FreshRow, RunFiles, WriteAck, WriteFailure, WriteJob, WriterData } from './write-worker.js';

// A run folder's writes, batched and off the search's thread. Each generation used to write four
// files with an fsync each (its evaluations Parquet, hall_of_fame.json, generations.json,
// checkpoint.json) on the coordinator, which then also encoded the Parquet and stringified every
// statistic so far: 17-50 ms a generation. Now a generation's rows are kept in memory and handed, at
// most every `intervalMs` (always for the first generation of a process and at the end), to a writer
// thread (write-worker.ts) as one job: the Parquet files first and the checkpoint last. One job at a
// time is in flight; generations finished meanwhile wait for the next. The interval is short (200 ms):
// the thread's time is off the search's path, and a search of a second or two must not leave all its
// generations for the final write, which it waits for (1 s left 20 of 21 generations to the end: a
// 0.2-0.3 s wait, bench/small-search.mjs); a busy thread still batches, as one job is in flight. A kill
// loses at most the generations since the last completed job; the resume repeats them from the
// checkpoint and, being deterministic, writes the same files.

export type { RunFiles } from './write-worker.js';

/** What a write holds besides the pending Parquet rows, taken when it is handed over (consistent with them). */
export interface RunSnapshot {
  readonly hallOfFame: unknown;
  /** Every generation's statistics so far; only grows (entries already written are not sent again). */
  readonly stats: readonly unknown[];
  readonly checkpoint: unknown;
}

export interface RunWriterOptions {
  /** Least time between two writes' hand-overs. */
  readonly intervalMs: number;
  /** Called after each completed write (the store's catch-up reads what was written). */
  readonly written: () => void;
}

const WRITER_YOUNG_GENERATION_MB = 4;

const DEFAULTS: RunWriterOptions = { intervalMs: 200, written: () => {} };

const asError = (f: WriteFailure): Error =>
  f.code !== undefined
    ? new ForgeError(f.message, f.fix, f.code)
    : Object.assign(new Error(f.message), { stack: f.stack });

export class RunWriter {
  private pending: { generation: number; rows: readonly FreshRow[] }[] = [];
  private lastHandOver = -Infinity;
  private statsSent = 0;
  private readonly o: RunWriterOptions;
  private readonly thread: Worker;
  /** The job in flight, settled by the thread's answer. */
  private inFlight: Promise<void> | null = null;
  private failure: Error | null = null;
  /** Coordinator time spent in `add` and `flush` (snapshots, hand-overs), and the writer thread's busy time. */
  persistMs = 0;
  writerMs = 0;
  flushes = 0;
  generations = 0;

  /** `genes`: the play's, to describe each evaluated genome's parameters in its Parquet row. */
  constructor(
    private readonly files: RunFiles,
    genes: readonly GeneDef[],
    options: Partial<RunWriterOptions> = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
    const workerData: WriterData = { genes };
    this.thread = new Worker(compiledPath(new URL('./write-worker.ts', import.meta.url)), {
      workerData,
      // Its garbage (a write's rows, Parquet pages, JSON text) dies with the write; V8's default young
      // generation let the thread commit 26-46 MiB for ~10 MiB live over a long run (bench/RESULTS.md).
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB },
    });
    this.thread.on('error', (err) => {
      this.failure ??= err;
    });
    this.thread.unref(); // referenced only while a job is in flight: an idle writer never holds the process
  }

  /**
   * Records a finished generation; when a write is due and none is in flight, everything pending is
   * handed to the writer thread with `snapshot()`, copied now (the search moves on at once). A write
   * error surfaces at the next add or flush.
   */
  add(generation: number, rows: readonly FreshRow[], snapshot: () => RunSnapshot): void {
    const t = performance.now();
    this.rethrow();
    this.pending.push({ generation, rows });
    this.generations++;
    if (this.inFlight === null && t - this.lastHandOver >= this.o.intervalMs) this.handOver(snapshot());
    this.persistMs += performance.now() - t;
  }

  /** Writes everything pending and waits for it (nothing to write: only waits). Call before exit. */
  async flush(snapshot: () => RunSnapshot): Promise<void> {
    await this.inFlight;
    this.rethrow();
    if (this.pending.length === 0) return;
    const t = performance.now();
    this.handOver(snapshot());
    this.persistMs += performance.now() - t;
    await this.inFlight;
    this.rethrow();
  }

  /** Stops the writer thread (after flush; a write still in flight is awaited first). */
  async close(): Promise<void> {
    await this.inFlight;
    await this.thread.terminate();
  }

  private rethrow(): void {
    const err = this.failure;
    this.failure = null;
    if (err !== null) throw err;
  }

  private handOver(snap: RunSnapshot): void {
    const job: WriteJob = {
      files: this.files,
      generations: this.pending,
      statsFrom: this.statsSent,
      newStats: snap.stats.slice(this.statsSent),
      hallOfFame: snap.hallOfFame,
      checkpoint: snap.checkpoint,
    };
    this.lastHandOver = performance.now();
    this.thread.ref();
    // postMessage copies the job now: the search may change its state as soon as this returns.
    this.thread.postMessage(job);
    const pending = this.pending;
    const sent = snap.stats.length;
    this.pending = [];
    this.inFlight = new Promise<WriteAck>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`internal: the run writer thread exited (code ${code})`));
      this.thread.once('exit', onExit);
      this.thread.once('message', (ack: WriteAck) => {
        this.thread.off('exit', onExit);
        resolve(ack);
      });
    })
      .then((ack) => {
        if (!ack.ok) throw asError(ack.error);
        this.writerMs += ack.busyMs;
        this.statsSent = sent;
        this.flushes++;
        this.o.written();
      })
      .catch((err: unknown) => {
        // Sent again with the next write (the thread overwrites what it had), unless this error ends the run.
        this.pending = [...pending, ...this.pending];
        this.failure = err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => {
        this.inFlight = null;
        this.thread.unref();
      });
  }
}
