import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { withStore } from '../../../src/forge/store/store.js';
import { type EvolveJson, freshHome } from '../../helpers/cli.js';
import { holdStore } from '../../helpers/store-holder.js';

// A search never waits for, or dies of, a store another command holds: it records into its run folder
// and the store catches up when it is free. Real processes: the built CLI, and a second process
// holding DuckDB's write lock on the store the way a long import does.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'bin/forge.js');
const PLAY = path.join(ROOT, 'configs/plays/default.yaml');
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function builtHome(): Promise<string> {
  const dir = freshHome('forge-busy-');
  dirs.push(dir);
  await run(process.execPath, [CLI, 'datasets', 'build', 'TEST_SMALL', '--synthetic', '--home', dir, '--quiet'], {
    cwd: dir,
  });
  return dir;
}

const ARGS = [
  'evolve',
  '--dataset',
  'TEST_SMALL',
  '--play',
  PLAY,
  '--pop',
  '12',
  '--generations',
  '4',
  '--seed',
  '3',
  '--min-trades',
  '2',
  '--workers',
  '1',
  '--json',
];

async function storeRows(storePath: string, runId: string) {
  return withStore(storePath, { readOnly: true }, async (s) => {
    const tables = await s.all<{ n: number }>(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM information_schema.tables WHERE table_name = 'generations'`,
    );
    if (tables[0].n === 0) return { generations: 0, evaluations: 0, status: undefined };
    const g = await s.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM generations WHERE run_id = $1`, [
      runId,
    ]);
    const e = await s.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM evaluations WHERE run_id = $1`, [
      runId,
    ]);
    const r = await s.all<{ status: string }>(`SELECT status FROM runs WHERE run_id = $1`, [runId]);
    return { generations: g[0].n, evaluations: e[0].n, status: r[0]?.status };
  });
}

describe('forge evolve while another process holds the store', () => {
  it('keeps evaluating, and the store catches up once it is released', async () => {
    const dir = await builtHome();
    const storePath = path.join(dir, 'data', 'forge.duckdb');
    const holder = await holdStore(storePath);
    const released = new Promise<void>((resolve) =>
      setTimeout(() => void holder.release().then(() => resolve()), 4_000),
    );
    try {
      const { stdout } = await run(process.execPath, [CLI, ...ARGS, '--home', dir], { cwd: dir, maxBuffer: 32 << 20 });
      const out = JSON.parse(stdout);
      expect(out.status).toBe('finished');
      await released;
      expect(await storeRows(storePath, out.runId)).toEqual({
        generations: 4,
        evaluations: out.evaluations,
        status: 'finished',
      });
    } finally {
      await released;
    }
  }, 120_000);

  it('held for the whole run: exits 0, says where the records are, and the next open of the run adds them', async () => {
    const dir = await builtHome();
    const storePath = path.join(dir, 'data', 'forge.duckdb');
    const holder = await holdStore(storePath);
    let out: EvolveJson;
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, ...ARGS, '--store-wait', '1s', '--home', dir], {
        cwd: dir,
        maxBuffer: 32 << 20,
      });
      out = JSON.parse(stdout);
      expect(out.status).toBe('finished');
      expect(stderr).toMatch(/could not take this run's records yet.*forge evolve --resume/s);
    } finally {
      await holder.release();
    }
    expect(fs.readdirSync(path.join(out.runDir, 'evaluations')).filter((f) => f.endsWith('.parquet'))).toHaveLength(4);
    expect((await storeRows(storePath, out.runId)).generations).toBe(0);
    const again = JSON.parse(
      (
        await run(process.execPath, [CLI, 'evolve', '--resume', out.runId, '--home', dir, '--json'], {
          cwd: dir,
          maxBuffer: 32 << 20,
        })
      ).stdout,
    );
    expect(again.status).toBe('already-finished');
    expect(await storeRows(storePath, out.runId)).toEqual({
      generations: 4,
      evaluations: out.evaluations,
      status: 'finished',
    });
  }, 120_000);

  it("never maps libduckdb into the search's process: the store catches up from a child process", async () => {
    const dir = await builtHome();
    const storePath = path.join(dir, 'data', 'forge.duckdb');
    // Preloaded into the evolve process: at exit, whether any mapping of this process is DuckDB's library.
    const probe = path.join(dir, 'maps-probe.mjs');
    const report = path.join(dir, 'maps.txt');
    fs.writeFileSync(
      probe,
      `import fs from 'node:fs';
process.on('exit', () => {
  const libs = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => /duckdb/i.test(l));
  fs.writeFileSync(${JSON.stringify(report)}, libs.length + ' ' + process.pid);
});
`,
    );
    const { stdout } = await run(process.execPath, ['--import', probe, CLI, ...ARGS, '--home', dir], {
      cwd: dir,
      maxBuffer: 32 << 20,
    });
    const out = JSON.parse(stdout);
    expect(out.status).toBe('finished');
    const [mapped] = fs.readFileSync(report, 'utf8').split(' ');
    expect(Number(mapped)).toBe(0);
    // ... and the records did reach the store.
    expect(await storeRows(storePath, out.runId)).toEqual({
      generations: 4,
      evaluations: out.evaluations,
      status: 'finished',
    });
  }, 120_000);
});
