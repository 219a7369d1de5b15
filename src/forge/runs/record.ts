import fs from 'node:fs';
import path from 'node:path';
import { openStoreWaiting } from '../store/store.js';
import type { GenerationStats } from '../ga/optimizer.js';
import type { EvalRecord, MetricRecord } from '../eval/evaluator.js';

// The main process is the single writer: after each generation it records the generation and its
// new evaluations in DuckDB in one transaction, then exports that generation's evaluations to
// Parquet. Rows are keyed so that redoing a generation after a crash rewrites the same rows.

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
  oos_win_rate DOUBLE, oos_profit_factor DOUBLE, oos_trades INTEGER,
  PRIMARY KEY (run_id, genome_key)
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

const METRIC_COLUMNS: (keyof MetricRecord)[] = ['totalReturn', 'sharpe', 'sortino', 'calmar', 'maxDrawdown', 'winRate', 'profitFactor', 'trades'];
const EVALUATION_COLUMNS = 7 + 2 * METRIC_COLUMNS.length;
const ROWS_PER_INSERT = 200;

const finite = (v: number | undefined | null): number | null => (v === undefined || v === null || !Number.isFinite(v) ? null : v);

export async function recordGeneration(
  storePath: string,
  run: RunRow,
  stats: GenerationStats,
  fresh: readonly FreshEvaluation[],
  status: string,
  bestFitness: number | null,
  parquetFile: string,
): Promise<void> {
  const store = await openStoreWaiting(storePath);
  try {
    await store.run(SCHEMA);
    await store.transaction(async (s) => {
      await s.run(
        `INSERT INTO runs VALUES ($id, $kind, $dataset, $hash, $source, $seed, $config, now(), now(), $done, $status, $best)
         ON CONFLICT (run_id) DO UPDATE SET updated_at = now(), generations_done = $done, status = $status, best_fitness = $best`,
        {
          id: run.runId,
          kind: run.kind,
          dataset: run.dataset,
          hash: run.datasetHash,
          source: run.datasetSource,
          seed: run.seed,
          config: JSON.stringify(run.config),
          done: stats.generation + 1,
          status,
          best: finite(bestFitness),
        },
      );
      await s.run(
        `INSERT OR REPLACE INTO generations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [run.runId, stats.generation, stats.evaluated, stats.reused, finite(stats.best), finite(stats.mean), finite(stats.median), finite(stats.worst), finite(stats.std), finite(stats.diversity), stats.immigrants],
      );
      // One multi-row statement per generation: a round trip per row cost ~4 ms each (half a second a generation).
      const metric = (m: MetricRecord | null) => METRIC_COLUMNS.map((k) => (m === null ? null : k === 'trades' ? m.trades : finite(m[k])));
      for (let start = 0; start < fresh.length; start += ROWS_PER_INSERT) {
        const rows = fresh.slice(start, start + ROWS_PER_INSERT);
        const values = rows.flatMap((f) => {
          const e = f.evaluation;
          return [run.runId, stats.generation, f.key, JSON.stringify(f.genome), JSON.stringify(f.params), e.fitness, e.error ?? null, ...metric(e.inSample), ...metric(e.outOfSample)];
        });
        const tuples = rows.map((_, r) => `(${Array.from({ length: EVALUATION_COLUMNS }, (_, c) => `$${r * EVALUATION_COLUMNS + c + 1}`).join(', ')})`);
        await s.run(`INSERT OR REPLACE INTO evaluations VALUES ${tuples.join(', ')}`, values);
      }
    });
    const tmp = `${parquetFile}.tmp-${process.pid}`;
    fs.mkdirSync(path.dirname(parquetFile), { recursive: true });
    const runId = run.runId.replace(/'/g, "''");
    await store.run(
      `COPY (SELECT * EXCLUDE (run_id) FROM evaluations WHERE run_id = '${runId}' AND generation = ${stats.generation} ORDER BY genome_key)
       TO '${tmp.replace(/'/g, "''")}' (FORMAT parquet)`,
    );
    fs.renameSync(tmp, parquetFile);
  } finally {
    store.close();
  }
}

/** Marks a run's final status (finished, paused, stopped) without touching its generations. */
export async function recordStatus(storePath: string, runId: string, status: string): Promise<void> {
  const store = await openStoreWaiting(storePath);
  try {
    await store.run(SCHEMA);
    await store.run(`UPDATE runs SET status = $1, updated_at = now() WHERE run_id = $2`, [status, runId]);
  } finally {
    store.close();
  }
}
