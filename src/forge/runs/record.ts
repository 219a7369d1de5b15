import fs from 'node:fs';
import type { CandleStore } from '../store/store.js';
import type { GenerationStats } from '../ga/optimizer.js';
import type { EvalRecord } from '../eval/evaluator.js';

// A run's folder is the source of truth (statistics, checkpoint and one evaluations Parquet file per
// generation); the store catches up from it whenever it is free (store-sync.ts), so a search never
// waits for, or fails on, a store another command holds. A generation's statistics and evaluations go
// in within one transaction, so a generation row says its evaluations are in: a repeated sync (after a
// crash) skips it. The evaluations table has no key for the same reason: its index (run_id, genome_key)
// grows with every evaluation of every run (70 of 333 MB of a store holding 0.9 M evaluations) and made
// a 900-generation sync onto 8,000 take 4.6 s instead of 2.6 s. Stores made before keep theirs, which
// these inserts never violate.

/** Every kind of run (evolve, walkforward, ...) has a row here; other commands create it the same way. */
export const RUNS_SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, dataset VARCHAR NOT NULL, dataset_hash VARCHAR NOT NULL,
  dataset_source VARCHAR NOT NULL, seed VARCHAR NOT NULL, config JSON NOT NULL, created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL, generations_done INTEGER NOT NULL, status VARCHAR NOT NULL, best_fitness DOUBLE
);`;

const SCHEMA = `${RUNS_SCHEMA}
CREATE TABLE IF NOT EXISTS generations (
  run_id VARCHAR NOT NULL, generation INTEGER NOT NULL, evaluated INTEGER NOT NULL, reused INTEGER NOT NULL,
  best DOUBLE, mean DOUBLE, median DOUBLE, worst DOUBLE, std DOUBLE, diversity DOUBLE, immigrants INTEGER NOT NULL,
  PRIMARY KEY (run_id, generation)
);
CREATE TABLE IF NOT EXISTS evaluations (
  run_id VARCHAR NOT NULL, generation INTEGER NOT NULL, genome_key VARCHAR NOT NULL, genome JSON NOT NULL,
  params JSON NOT NULL, fitness DOUBLE NOT NULL, error VARCHAR,
  is_total_return DOUBLE, is_sharpe DOUBLE, is_sortino DOUBLE, is_calmar DOUBLE, is_max_drawdown DOUBLE,
  is_win_rate DOUBLE, is_profit_factor DOUBLE, is_trades INTEGER,
  oos_total_return DOUBLE, oos_sharpe DOUBLE, oos_sortino DOUBLE, oos_calmar DOUBLE, oos_max_drawdown DOUBLE,
  oos_win_rate DOUBLE, oos_profit_factor DOUBLE, oos_trades INTEGER
);
`;

export interface RunRow {
  readonly runId: string;
  readonly kind: 'evolve';
  readonly dataset: string;
  readonly datasetHash: string;
  readonly datasetSource: 'real' | 'synthetic';
  readonly seed: string;
  readonly config: unknown;
}

export interface FreshEvaluation {
  readonly key: string;
  readonly genome: readonly number[];
  readonly params: Record<string, unknown>;
  readonly evaluation: EvalRecord;
}

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
const finite = (v: number | undefined | null): number | null =>
  v === undefined || v === null || !Number.isFinite(v) ? null : v;

/** Where a run is, for its `runs` row. */
export interface RunProgress {
  readonly generationsDone: number;
  readonly status: string;
  readonly bestFitness: number | null;
}

/**
 * Adds a run's generations to the store from its run folder: each generation's statistics row and
 * its evaluations Parquet file (written by the run as it went), in one transaction, then the run's
 * row. Generations already in the store are skipped, so a sync can be repeated after any crash.
 * Returns how many generations it added.
 */
export async function syncGenerations(
  store: CandleStore,
  run: RunRow,
  stats: readonly GenerationStats[],
  parquetOf: (generation: number) => string,
  progress: RunProgress,
  batch = 32,
): Promise<number> {
  await store.run(SCHEMA);
  const have = new Set(
    (
      await store.all<{ g: number }>(`SELECT generation AS g FROM generations WHERE run_id = $1 AND generation >= $2`, [
        run.runId,
        stats[0]?.generation ?? 0,
      ])
    ).map((r) => r.g),
  );
  const todo = stats.filter((st) => !have.has(st.generation) && fs.existsSync(parquetOf(st.generation)));
  // One transaction per batch of generations, not per catch-up: a long run's final catch-up took
  // thousands of generations in one transaction, whose memory grows with it. Each batch is complete
  // (statistics and evaluations together), and a repeated sync skips the batches already in. A batch is
  // two statements, not two per generation: with one read_parquet over its files, syncing a long run's
  // first 2,000 generations took 2.4 ms a generation instead of 12.4 (bench/RESULTS.md, issue 10 point 9).
  for (let from = 0; from === 0 || from < todo.length; from += batch) {
    const part = todo.slice(from, from + batch);
    await store.transaction(async (s) => {
      await upsertRun(s, run, progress);
      await addGenerations(s, run.runId, part, parquetOf);
    });
  }
  return todo.length;
}

async function upsertRun(s: CandleStore, run: RunRow, progress: RunProgress): Promise<void> {
  await s.run(
    `INSERT INTO runs VALUES
       ($id, $kind, $dataset, $hash, $source, $seed, $config, now(), now(), $done, $status, $best)
     ON CONFLICT (run_id) DO UPDATE SET
       updated_at = now(), generations_done = $done, status = $status, best_fitness = $best`,
    {
      id: run.runId,
      kind: run.kind,
      dataset: run.dataset,
      hash: run.datasetHash,
      source: run.datasetSource,
      seed: run.seed,
      config: JSON.stringify(run.config),
      done: progress.generationsDone,
      status: progress.status,
      best: finite(progress.bestFitness),
    },
  );
}

const GENERATION_COLUMNS = 11;

async function addGenerations(
  s: CandleStore,
  runId: string,
  part: readonly GenerationStats[],
  parquetOf: (generation: number) => string,
): Promise<void> {
  if (part.length === 0) return;
  const rows = part.map(
    (_, r) =>
      `(${Array.from({ length: GENERATION_COLUMNS }, (_, c) => `$${r * GENERATION_COLUMNS + c + 1}`).join(', ')})`,
  );
  const values = part.flatMap((st) => [
    runId,
    st.generation,
    st.evaluated,
    st.reused,
    finite(st.best),
    finite(st.mean),
    finite(st.median),
    finite(st.worst),
    finite(st.std),
    finite(st.diversity),
    st.immigrants,
  ]);
  await s.run(`INSERT OR REPLACE INTO generations VALUES ${rows.join(', ')}`, values);
  const files = part.map((st) => sql(parquetOf(st.generation))).join(', ');
  await s.run(`INSERT INTO evaluations SELECT $1 AS run_id, * FROM read_parquet([${files}])`, [runId]);
}
