import type { MetricRecord } from '../eval/evaluator.js';
import { RUNS_SCHEMA } from '../runs/record.js';
import { openStoreWaiting } from '../store/store.js';
import type { WalkforwardReport } from './types.js';

// The walk-forward's DuckDB rows, written once by the main process at the end of the command in one
// transaction: a `runs` row (kind 'walkforward'), one row per window and one summary row. Re-running
// the same run id replaces its rows, so the tables never hold half a run.

const METRICS: (keyof MetricRecord)[] = [
  'totalReturn',
  'cagr',
  'sharpe',
  'maxDrawdown',
  'winRate',
  'profitFactor',
  'trades',
];
const metricCols = (prefix: string) =>
  METRICS.map(
    (k) => `${prefix}_${k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())} ${k === 'trades' ? 'INTEGER' : 'DOUBLE'}`,
  ).join(', ');

const SCHEMA = `${RUNS_SCHEMA}
CREATE TABLE IF NOT EXISTS walkforward_windows (
  run_id VARCHAR NOT NULL, window_index INTEGER NOT NULL, status VARCHAR NOT NULL, error VARCHAR,
  train_from TIMESTAMP NOT NULL, train_to TIMESTAMP NOT NULL, test_from TIMESTAMP NOT NULL, test_to TIMESTAMP NOT NULL,
  genome JSON, params JSON, fitness DOUBLE, evaluations INTEGER NOT NULL, performance_drop DOUBLE,
  ${metricCols('is')}, ${metricCols('oos')},
  PRIMARY KEY (run_id, window_index)
);
CREATE TABLE IF NOT EXISTS walkforward_summary (
  run_id VARCHAR PRIMARY KEY, mode VARCHAR NOT NULL, windows INTEGER NOT NULL, ok_windows INTEGER NOT NULL,
  avg_is_return DOUBLE, avg_oos_return DOUBLE, avg_is_cagr DOUBLE, avg_oos_cagr DOUBLE, degradation DOUBLE, wfe DOUBLE,
  cv DOUBLE, consistency_score DOUBLE, profitable_share DOUBLE, stitched_return DOUBLE, stitched_max_drawdown DOUBLE,
  verdict VARCHAR NOT NULL, robust BOOLEAN NOT NULL, criteria JSON NOT NULL
);`;

const finite = (v: number | null | undefined): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

export async function recordWalkforward(storePath: string, r: WalkforwardReport): Promise<void> {
  const store = await openStoreWaiting(storePath);
  try {
    await store.run(SCHEMA);
    await store.transaction(async (s) => {
      const id = r.runId;
      await s.run(
        `INSERT INTO runs VALUES ($id, 'walkforward', $dataset, $hash, $source, $seed, $config, now(), now(),
           $done, $status, NULL)
         ON CONFLICT (run_id) DO UPDATE SET updated_at = now(), generations_done = $done, status = $status`,
        {
          id,
          dataset: r.dataset.name,
          hash: r.dataset.hash,
          source: r.dataset.source,
          seed: r.config.seed,
          config: JSON.stringify(r.config),
          done: r.config.ga.generations,
          status: 'finished',
        },
      );
      await s.run('DELETE FROM walkforward_windows WHERE run_id = $1', [id]);
      const n = 13 + 2 * METRICS.length;
      const insert = await s.connection.prepare(
        `INSERT INTO walkforward_windows VALUES (${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')})`,
      );
      const metric = (m: MetricRecord | null) =>
        METRICS.map((k) => (m === null ? null : k === 'trades' ? m.trades : finite(m[k])));
      const ts = (ms: number) => new Date(ms).toISOString();
      for (const w of r.windows) {
        insert.bind([
          id,
          w.index,
          w.status,
          w.error,
          ts(w.train.fromMs),
          ts(w.train.toMs),
          ts(w.test.fromMs),
          ts(w.test.toMs),
          w.genome === null ? null : JSON.stringify(w.genome),
          w.params === null ? null : JSON.stringify(w.params),
          finite(w.fitness),
          w.evaluations,
          finite(w.drop),
          ...metric(w.inSample),
          ...metric(w.outOfSample),
        ]);
        await insert.run();
      }
      const a = r.aggregate;
      await s.run(
        `INSERT OR REPLACE INTO walkforward_summary VALUES
           ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          id,
          r.config.mode,
          a.windows,
          a.okWindows,
          finite(a.avgInSampleReturn),
          finite(a.avgOutOfSampleReturn),
          finite(a.avgInSampleCagr),
          finite(a.avgOutOfSampleCagr),
          finite(a.degradation),
          finite(a.wfe),
          finite(a.cv),
          finite(a.consistencyScore),
          finite(a.profitableShare),
          finite(r.stitched.totalReturn),
          finite(r.stitched.maxDrawdown),
          r.verdict.label,
          r.verdict.robust,
          JSON.stringify(r.verdict.criteria),
        ],
      );
    });
  } finally {
    store.close();
  }
}
