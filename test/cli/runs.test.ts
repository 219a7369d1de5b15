import fs from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/engine/errors.js';
import { acquireLock } from '../../src/forge/lock.js';
import { CandleStore } from '../../src/forge/store/store.js';
import { EVOLVE_ARGS, forgeCli, freshHome } from '../helpers/cli.js';

// `forge runs ls|show|compare|rm` on real runs made by the CLI (two evolves, one walk-forward) in a
// real home: figures checked against the run folders' own files, names shown beside ids, --json
// everywhere, and rm refused while the run is live, then removing folder and store rows together.

interface Row {
  id: string;
  name: string | null;
  kind: string;
  synthetic: boolean;
  status: string;
  generations: number;
  evaluations: number;
  bestInSample: number | null;
  dataset: string;
}

let home: string;
let alpha: string;
let beta: string;
let wf: string;
const run = (...args: string[]) => forgeCli([...args, '--home', home]);
const json = <T>(...args: string[]): T => {
  const r = run(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

/** Rows of a run in the store's tables, counted directly. */
async function storeRows(id: string): Promise<number> {
  const store = await CandleStore.open(path.join(home, 'data', 'forge.duckdb'), { readOnly: true });
  try {
    let n = 0;
    for (const t of ['runs', 'generations', 'evaluations', 'walkforward_windows', 'walkforward_summary']) {
      const has = await store.all<{ n: number }>(
        `SELECT CAST(count(*) AS INTEGER) AS n FROM information_schema.tables WHERE table_name = '${t}'`,
      );
      if (has[0].n > 0)
        n += (
          await store.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${t} WHERE run_id = $1`, [id])
        )[0].n;
    }
    return n;
  } finally {
    store.close();
  }
}

beforeAll(() => {
  home = freshHome('forge-cli-runs-');
  alpha = json<{ runId: string }>(...EVOLVE_ARGS, '--name', 'alpha run').runId;
  beta = json<{ runId: string }>(...EVOLVE_ARGS.map((a) => (a === '7' ? '8' : a))).runId;
  wf = json<{ runId: string }>(
    'walkforward',
    '--dataset',
    'TEST_SMALL',
    '--train',
    '10d',
    '--test',
    '5d',
    '--pop',
    '8',
    '--generations',
    '2',
    '--seed',
    '3',
    '--min-trades',
    '1',
    '--workers',
    '1',
    '--name',
    'wf run',
  ).runId;
}, 300_000);

afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('forge runs ls', () => {
  it('lists every run with its name, kind, synthetic dataset, generations and evaluations from the run folders', async () => {
    const { runs } = json<{ runs: Row[] }>('runs', 'ls');
    expect(runs.map((r) => r.id).sort()).toEqual([alpha, beta, wf].sort());
    const a = runs.find((r) => r.id === alpha)!;
    expect(a).toMatchObject({
      name: 'alpha run',
      kind: 'evolve',
      dataset: 'TEST_SMALL',
      synthetic: true,
      status: 'finished',
      generations: 4,
    });
    // Evaluations: the rows of the run's Parquet files, counted from their metadata.
    const dir = path.join(home, 'runs', alpha, 'evaluations');
    let rows = 0;
    for (const f of fs.readdirSync(dir))
      rows += Number((await parquetMetadataAsync(await asyncBufferFromFile(path.join(dir, f)))).num_rows);
    expect(a.evaluations).toBe(rows);
    const hof = JSON.parse(fs.readFileSync(path.join(home, 'runs', alpha, 'hall_of_fame.json'), 'utf8'));
    expect(a.bestInSample).toBe(hof[0].fitness);
    expect(runs.find((r) => r.id === wf)).toMatchObject({ name: 'wf run', kind: 'walkforward' });

    const text = run('runs', 'ls');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`${alpha}\\s+alpha run\\s+evolve`));
    expect(text.stdout).toContain('TEST_SMALL (SYNTHETIC)');
  });

  it('filters by kind and dataset, and sorts by the best in-sample figure', () => {
    expect(json<{ runs: Row[] }>('runs', 'ls', '--kind', 'walkforward').runs.map((r) => r.id)).toEqual([wf]);
    expect(json<{ runs: Row[] }>('runs', 'ls', '--dataset', 'NOPE').runs).toEqual([]);
    const best = json<{ runs: Row[] }>('runs', 'ls', '--sort', 'best', '--kind', 'evolve').runs.map(
      (r) => r.bestInSample!,
    );
    expect(best).toEqual([...best].sort((x, y) => y - x));
    const bad = run('runs', 'ls', '--kind', 'evolvee');
    expect(bad.code).not.toBe(0);
  });
});

describe('forge runs show and compare', () => {
  it('shows a finished run again by its name, with its hall of fame and no session time', () => {
    const r = run('runs', 'show', 'alpha run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`run ${alpha} "alpha run": finished after 4 of 4 generations`);
    expect(r.stdout).toMatch(/hall of fame/);
    expect(r.stdout).not.toMatch(/ in \d+(ms|s)\b/);
    expect(json<{ run: Row; hallOfFame: unknown[] }>('runs', 'show', alpha).hallOfFame.length).toBeGreaterThan(0);
  });

  it('shows a walk-forward with its genes as enabled: true/false, never optional', () => {
    const r = run('runs', 'show', wf);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`walk-forward run ${wf} "wf run"`);
    expect(r.stdout).toMatch(/\.enabled=(true|false)/);
    expect(r.stdout).not.toMatch(/\.optional=/);
  });

  it('compares runs side by side, names beside ids, and refuses fewer than two', () => {
    const r = run('runs', 'compare', alpha, beta.slice(0, 6));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`${alpha}\\s+${beta}`));
    expect(r.stdout).toMatch(/name\s+alpha run/);
    expect(json<{ runs: { summary: Row }[] }>('runs', 'compare', alpha, beta).runs.map((x) => x.summary.id)).toEqual([
      alpha,
      beta,
    ]);
    const one = run('runs', 'compare', alpha);
    expect(one.code).not.toBe(0);
    expect(one.stderr).toMatch(/at least two/);
  });

  it('names an unknown run with a suggestion', () => {
    const r = run('runs', 'show', 'alpha rn');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no run 'alpha rn'.*did you mean 'alpha run'/);
  });
});

describe('forge runs rm', () => {
  it('refuses a live run, then removes its folder and store rows in one step, leaving the others', async () => {
    expect(await storeRows(beta)).toBeGreaterThan(0);
    const lock = await acquireLock(
      path.join(home, 'runs', beta, 'run.lock'),
      () => new ForgeError('held', '', 'E_TEST'),
    );
    try {
      const refused = run('runs', 'rm', beta);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/is live/);
      expect(fs.existsSync(path.join(home, 'runs', beta))).toBe(true);
      // ls sees it live, without taking the lock (the lock is still ours afterwards).
      const live = json<{ runs: (Row & { live: boolean })[] }>('runs', 'ls').runs;
      expect(live.find((x) => x.id === beta)?.live).toBe(true);
      expect(live.find((x) => x.id === alpha)?.live).toBe(false);
      expect(run('runs', 'rm', beta).code).not.toBe(0);
    } finally {
      lock.release();
    }
    const alphaRows = await storeRows(alpha);
    const r = json<{ id: string; rows: Record<string, number> }>('runs', 'rm', beta);
    expect(r.id).toBe(beta);
    expect(fs.existsSync(path.join(home, 'runs', beta))).toBe(false);
    expect(await storeRows(beta)).toBe(0);
    expect(await storeRows(alpha)).toBe(alphaRows);
    expect(json<{ runs: Row[] }>('runs', 'ls').runs.map((x) => x.id)).not.toContain(beta);
  });
});
