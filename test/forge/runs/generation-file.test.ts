import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGenerationParquet } from '../../../src/forge/runs/generation-file.js';
import { withStore } from '../../../src/forge/store/store.js';

// The evolve process writes each generation's evaluations with hyparquet-writer; DuckDB (an
// independent reader) must read back exactly the rows and types the store's table has.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-genfile-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const metrics = (x: number) => ({
  totalReturn: x,
  sharpe: 2 * x,
  sortino: NaN,
  calmar: Infinity,
  maxDrawdown: -x / 2,
  winRate: 0.5,
  profitFactor: 1.5,
  trades: 7,
  finalEquity: 1,
  barsPerYear: 1,
  years: 1,
});

describe('generation Parquet file', () => {
  it('holds each evaluation sorted by key, nulls for failed plays and non-finite figures', async () => {
    const file = path.join(root, 'gen-00003.parquet');
    writeGenerationParquet(file, 3, [
      {
        key: 'b',
        genome: [2, 0.5],
        params: { p: 2 },
        evaluation: { fitness: 1.25, inSample: metrics(0.1), outOfSample: null },
      },
      {
        key: 'a',
        genome: [1, 0.25],
        params: { p: 1 },
        evaluation: { fitness: -1e6, inSample: null, outOfSample: null, error: 'boom' },
      },
    ] as never);
    const rows = await withStore(path.join(root, 'x.duckdb'), {}, (s) =>
      s.all<Record<string, unknown>>(
        `SELECT generation, genome_key, genome::VARCHAR AS genome, params::VARCHAR AS params, fitness, error, is_total_return, is_sharpe, is_sortino, is_calmar, is_trades, oos_sharpe, typeof(is_trades) AS t FROM read_parquet('${file}')`,
      ),
    );
    expect(rows).toEqual([
      {
        generation: 3,
        genome_key: 'a',
        genome: '[1,0.25]',
        params: '{"p":1}',
        fitness: -1e6,
        error: 'boom',
        is_total_return: null,
        is_sharpe: null,
        is_sortino: null,
        is_calmar: null,
        is_trades: null,
        oos_sharpe: null,
        t: 'INTEGER',
      },
      {
        generation: 3,
        genome_key: 'b',
        genome: '[2,0.5]',
        params: '{"p":2}',
        fitness: 1.25,
        error: null,
        is_total_return: 0.1,
        is_sharpe: 0.2,
        is_sortino: null,
        is_calmar: null,
        is_trades: 7,
        oos_sharpe: null,
        t: 'INTEGER',
      },
    ]);
  });
});
