import { parentPort, workerData } from 'node:worker_threads';
import { ForgeError } from '../../engine/errors.js';
import { describeGenome } from '../../engine/play/genes.js';
import type { GeneDef } from '../../engine/play/types.js';
import { genomeKey } from '../ga/genome.js';
import { writeFilesAtomic } from '../atomic.js';
import { generationParquet, generationParquetBytes } from './generation-file.js';
import { StatsFile } from './stats-file.js';
import type { EvalRecord } from '../eval/evaluator.js';

// The run folder's writer thread (see run-writer.ts): Parquet encoding, JSON text and fsyncs happen
// here, and so do each row's genome key and parameters (from the genes in workerData), so the
// search's coordinator only hands over a snapshot. Jobs arrive one at a time and are
// written in order: the generations' Parquet files and the hall of fame, then the statistics (appended,
// see stats-file.ts) and, last, the checkpoint, so a kill at any point leaves a checkpoint whose
// generations are all on disk.

/** A generation's new evaluation as the search has it. */
export interface RunFiles {
  /** The per-generation Parquet files' folder (names: generation-file.ts generationParquet). */
  readonly evaluationsDir: string;
  readonly hallOfFamePath: string;
  readonly statsPath: string;
  readonly checkpointPath: string;
}

export interface FreshRow {
  readonly genome: number[];
  readonly evaluation: EvalRecord;
}

/** What the writer thread needs besides jobs: the play's genes, to describe each genome's parameters. */
export interface WriterData {
  readonly genes: readonly GeneDef[];
}

export interface WriteJob {
  readonly files: RunFiles;
  readonly generations: readonly { generation: number; rows: readonly FreshRow[] }[];
  /** The statistics entries from index `statsFrom` on (the thread keeps the earlier ones' text). */
  readonly statsFrom: number;
  readonly newStats: readonly unknown[];
  readonly hallOfFame: unknown;
  readonly checkpoint: unknown;
}

/** A failed write's error as plain fields: a ForgeError (a named path and cause) must reach the CLI as one. */
export interface WriteFailure {
  readonly message: string;
  readonly fix?: string;
  readonly code?: string;
  readonly stack?: string;
}

export type WriteAck =
  | { readonly ok: true; readonly busyMs: number }
  | { readonly ok: false; readonly error: WriteFailure };

const stats = new StatsFile();
const { genes } = (workerData ?? { genes: [] }) as WriterData;

/** One job's files, fsynced together and renamed in this order: the checkpoint last. */
async function write(job: WriteJob): Promise<void> {
  const files: [string, string | Uint8Array][] = job.generations.map(({ generation, rows }) => [
    generationParquet(job.files.evaluationsDir, generation),
    generationParquetBytes(
      generation,
      rows.map((r) => ({
        key: genomeKey(r.genome),
        genome: r.genome,
        params: describeGenome(genes, r.genome),
        evaluation: r.evaluation,
      })),
    ),
  ]);
  files.push([job.files.hallOfFamePath, `${JSON.stringify(job.hallOfFame, null, 2)}\n`]);
  await writeFilesAtomic(files);
  stats.write(job.files.statsPath, job.statsFrom, job.newStats);
  await writeFilesAtomic([[job.files.checkpointPath, JSON.stringify(job.checkpoint)]]);
}

parentPort?.on('message', async (job: WriteJob) => {
  const t0 = performance.now();
  let ack: WriteAck;
  try {
    await write(job);
    ack = { ok: true, busyMs: performance.now() - t0 };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    ack = {
      ok: false,
      error:
        e instanceof ForgeError
          ? { message: e.message, fix: e.fix, code: e.code }
          : { message: e.message, stack: e.stack },
    };
  }
  parentPort?.postMessage(ack);
});
