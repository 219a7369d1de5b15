import fs from 'node:fs';
import path from 'node:path';
import { openStoreWaiting } from '../store/store.js';
import type { FamilyResult, TrialRow } from './multiple-testing.js';
import type { ValidationDoc } from './types.js';

// DuckDB side of `forge validate`. Reading: every play the run evaluated (the `evaluations` table,
// or the run's Parquet exports when the table has none). Writing: the main process alone, once,
// at the end, in ONE transaction: a validation replaces the previous one of the same run, so the
// three tables always hold one consistent validation per run.

const SCHEMA = `
CREATE TABLE IF NOT EXISTS validations (
  run_id VARCHAR NOT NULL, genome_key VARCHAR NOT NULL, rank INTEGER NOT NULL, guard VARCHAR NOT NULL,
  status VARCHAR NOT NULL, value DOUBLE, threshold DOUBLE NOT NULL, rule VARCHAR NOT NULL, pass BOOLEAN,
  error VARCHAR, detail JSON NOT NULL, seed VARCHAR NOT NULL, validated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (run_id, genome_key, guard)
);
CREATE TABLE IF NOT EXISTS multiple_testing (
  run_id VARCHAR NOT NULL, genome_key VARCHAR NOT NULL, is_sharpe DOUBLE, sharpe_per_bar DOUBLE,
  p_value DOUBLE NOT NULL, bh_adjusted DOUBLE NOT NULL, bh_significant BOOLEAN NOT NULL, alpha DOUBLE NOT NULL,
  note VARCHAR, PRIMARY KEY (run_id, genome_key)
);
CREATE TABLE IF NOT EXISTS validated_plays (
  run_id VARCHAR NOT NULL, genome_key VARCHAR NOT NULL, rank INTEGER NOT NULL, params JSON NOT NULL,
  is_sharpe DOUBLE, p_value DOUBLE, bh_adjusted DOUBLE, bh_significant BOOLEAN, dsr DOUBLE, sr0 DOUBLE,
  n_trials INTEGER NOT NULL, guards_passed INTEGER NOT NULL, guards_run INTEGER NOT NULL,
  survives_multiple_testing BOOLEAN NOT NULL, robust BOOLEAN NOT NULL, PRIMARY KEY (run_id, genome_key)
);
`;

interface Row {
  genome_key: string;
  is_sharpe: number | null;
  error: string | null;
}

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Every distinct play the run evaluated, ordered by genome key: from the run folder's Parquet files
 * (the source of truth, complete even when the store has not caught up), else from the store.
 */
export async function readTrials(
  storePath: string,
  runId: string,
  evaluationsDir: string,
): Promise<{ rows: TrialRow[]; source: string }> {
  const store = await openStoreWaiting(storePath);
  try {
    let rows: Row[] = [];
    let source: string;
    if (fs.existsSync(evaluationsDir) && fs.readdirSync(evaluationsDir).some((f) => f.endsWith('.parquet'))) {
      const glob = path.join(evaluationsDir, 'gen-*.parquet');
      rows = await store.all<Row>(
        'SELECT genome_key, first(is_sharpe) AS is_sharpe, first(error) AS error ' +
          `FROM read_parquet(${sql(glob)}) GROUP BY genome_key ORDER BY genome_key`,
      );
      source = `the run's Parquet files (${evaluationsDir})`;
    } else {
      const hasTable =
        (
          await store.all<{ n: number }>(
            `SELECT CAST(count(*) AS INTEGER) AS n FROM information_schema.tables WHERE table_name = 'evaluations'`,
          )
        )[0].n > 0;
      if (hasTable)
        rows = await store.all<Row>(
          `SELECT genome_key, is_sharpe, error FROM evaluations WHERE run_id = $1 ORDER BY genome_key`,
          [runId],
        );
      source = 'the store table evaluations';
    }
    return { rows: rows.map((r) => ({ key: r.genome_key, sharpe: r.is_sharpe, error: r.error })), source };
  } finally {
    store.close();
  }
}

export async function recordValidation(storePath: string, doc: ValidationDoc, family: FamilyResult): Promise<void> {
  const store = await openStoreWaiting(storePath);
  try {
    await store.run(SCHEMA);
    await store.transaction(async (s) => {
      for (const t of ['validations', 'multiple_testing', 'validated_plays'])
        await s.run(`DELETE FROM ${t} WHERE run_id = $1`, [doc.runId]);
      const guard = await s.connection.prepare(
        `INSERT INTO validations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())`,
      );
      const play = await s.connection.prepare(
        `INSERT INTO validated_plays VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      );
      for (const p of doc.plays) {
        for (const g of p.guards) {
          guard.bind([
            doc.runId,
            p.key,
            p.rank,
            g.name,
            g.status,
            g.value,
            g.threshold,
            g.rule,
            g.pass,
            g.error ?? null,
            JSON.stringify(g.detail),
            doc.seed,
          ]);
          await guard.run();
        }
        const mt = p.multipleTesting;
        play.bind([
          doc.runId,
          p.key,
          p.rank,
          JSON.stringify(p.params),
          p.inSampleSharpe,
          mt.pValue,
          mt.bhAdjusted,
          mt.bhSignificant,
          mt.dsr,
          mt.sr0,
          doc.multipleTesting.trials,
          p.guardsPassed,
          p.guardsRun,
          p.survivesMultipleTesting,
          p.robust,
        ]);
        await play.run();
      }
      const trial = await s.connection.prepare(
        `INSERT INTO multiple_testing VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      );
      for (const r of family.rows) {
        trial.bind([
          doc.runId,
          r.key,
          r.sharpe,
          r.sharpePerBar,
          r.pValue,
          r.bhAdjusted,
          r.bhSignificant,
          family.alpha,
          r.note ?? null,
        ]);
        await trial.run();
      }
    });
  } finally {
    store.close();
  }
}
