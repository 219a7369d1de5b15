import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CandleStore } from '../../../src/forge/store/store.js';
import { freshHome } from '../../helpers/cli.js';

// End to end through the built CLI: a small evolve run in a temp home (synthetic dataset from a temp
// catalog), one regime dataset of the same symbol built beside it and one that cannot be built,
// then `forge validate` serially and on 2 worker threads: the JSON must be byte-identical.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'bin/forge.js');
const PLAY = path.join(ROOT, 'configs/plays/default.yaml');
const run = promisify(execFile);

const CATALOG = `datasets:
  - name: VAL_15M
    symbol: VALUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-01-01
    to: 2021-04-01
    regime: cycle
  - name: VAL_BULL
    symbol: VALUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-04-01
    to: 2021-06-01
    regime: bull
  - name: VAL_BEAR
    symbol: VALUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-06-01
    to: 2021-07-01
    regime: bear
`;

const forge = (home: string, args: string[]) =>
  run(process.execPath, [CLI, ...args, '--home', home], { cwd: home, maxBuffer: 64 << 20 });
const VALIDATE = ['--top', '3', '--permutations', '200', '--bootstrap', '300', '--seed', '11', '--json'];

describe('forge validate (CLI, end to end)', () => {
  let home: string;
  let runId: string;
  let serial: { stdout: string; file: string };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
    home = freshHome('forge-validate-', CATALOG);
    const evolved = await forge(home, [
      'evolve',
      '--dataset',
      'VAL_15M',
      '--play',
      PLAY,
      '--pop',
      '16',
      '--generations',
      '3',
      '--seed',
      '7',
      '--min-trades',
      '3',
      '--workers',
      '1',
      '--json',
      '--synthetic',
    ]);
    runId = JSON.parse(evolved.stdout).runId;
    await forge(home, ['datasets', 'build', 'VAL_BULL', '--synthetic', '--quiet']);
    const s = await forge(home, ['validate', runId, ...VALIDATE, '--workers', '1']);
    serial = { stdout: s.stdout, file: fs.readFileSync(path.join(home, 'runs', runId, 'validation.json'), 'utf8') };
  }, 120_000);

  it('reports every guard for each top play, the regime split on the built regime dataset, and the FDR/DSR section', () => {
    const doc = JSON.parse(serial.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.kind).toBe('validation');
    expect(doc.plays).toHaveLength(3);
    for (const p of doc.plays) {
      expect(p.guards.map((g: { name: string }) => g.name)).toEqual([
        'permutation',
        'bootstrap',
        'sensitivity',
        'stress',
        'concentration',
        'regime',
        'walkforward',
      ]);
      for (const g of p.guards) expect(['PASS', 'FAIL', 'ERROR', 'NOT RUN']).toContain(g.status);
      expect(p.guards.find((g: { name: string }) => g.name === 'walkforward').status).toBe('NOT RUN');
      expect(typeof p.multipleTesting.pValue).toBe('number');
    }
    expect(doc.regimes.used.map((r: { name: string }) => r.name)).toEqual(['VAL_BULL']);
    expect(doc.regimes.skipped.map((r: { name: string }) => r.name)).toEqual(['VAL_BEAR']);
    expect(doc.multipleTesting.trials).toBeGreaterThan(16);
    expect(doc.multipleTesting.approximation).toMatch(/PSR/);
    expect(doc.notes.join(' ')).toMatch(/SYNTHETIC/);
    expect(serial.file).toBe(
      JSON.stringify(
        Object.fromEntries(
          Object.entries(doc).filter(([k]) => !['ok', 'validationPath', 'name', 'report'].includes(k)),
        ),
        null,
        2,
      ) + '\n',
    );
  });

  it('gives byte-identical JSON on 2 worker threads', async () => {
    const p = await forge(home, ['validate', runId, ...VALIDATE, '--workers', '2']);
    expect(p.stdout).toBe(serial.stdout);
    expect(fs.readFileSync(path.join(home, 'runs', runId, 'validation.json'), 'utf8')).toBe(serial.file);
  }, 60_000);

  it('prints a verdict a person can read: ROBUST or NOT ROBUST and why, guards that ran, units, the walk-forward command, BH line = table', async () => {
    const doc = JSON.parse(serial.stdout);
    const { stdout } = await forge(home, [
      'validate',
      runId,
      ...VALIDATE.filter((a) => a !== '--json'),
      '--workers',
      '1',
    ]);
    const lines = stdout.split('\n');
    const head = lines.findIndex((l) => l.startsWith('#  IS sharpe (annualised)'));
    expect(head, stdout).toBeGreaterThan(0);
    const rows = lines.slice(head + 2, head + 2 + doc.plays.length);
    rows.forEach((row, i) => {
      const p = doc.plays[i];
      expect(p.verdict).toBe(p.robust ? 'ROBUST' : 'NOT ROBUST');
      expect(row).toContain(`  ${p.verdict}  ${p.why}`);
      expect(row).toContain(`${p.guardsPassed}/${p.guardsRun} passed (${p.guards.length - p.guardsRun} not run)`);
    });
    const significantHere = doc.plays.filter(
      (p: { multipleTesting: { bhSignificant: boolean } }) => p.multipleTesting.bhSignificant,
    ).length;
    expect(stdout).toContain(
      `finds ${doc.multipleTesting.significant} significant, ${significantHere} of them among the ${doc.plays.length} validated here`,
    );
    expect(stdout).toContain(`run \`forge walkforward --dataset VAL_15M --play ${PLAY}\``);
    expect(stdout).toMatch(
      /regime +\S+ share of regimes profitable +> 0\.5 +(PASS|FAIL) +profitable in [01] of 1: VAL_BULL \(synthetic\) [-+]\d/,
    );
    expect(stdout).toMatch(/concentration +\S+ % of net profit/);
  }, 60_000);

  it('writes one validation per run to DuckDB (a re-run replaces it), and reads a matching walk-forward result', async () => {
    const count = async () => {
      const store = await CandleStore.open(path.join(home, 'data', 'forge.duckdb'), { readOnly: true });
      try {
        const q = async (t: string) =>
          (
            await store.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${t} WHERE run_id = $1`, [runId])
          )[0].n;
        return {
          guards: await q('validations'),
          plays: await q('validated_plays'),
          trials: await q('multiple_testing'),
          evaluations: await q('evaluations'),
        };
      } finally {
        store.close();
      }
    };
    const before = await count();
    expect(before.guards).toBe(3 * 7);
    expect(before.plays).toBe(3);
    expect(before.trials).toBe(before.evaluations);

    const cfg = JSON.parse(fs.readFileSync(path.join(home, 'runs', runId, 'config.json'), 'utf8'));
    fs.mkdirSync(path.join(home, 'runs', 'wf-test'));
    fs.writeFileSync(
      path.join(home, 'runs', 'wf-test', 'walkforward.json'),
      JSON.stringify({ kind: 'walkforward', dataset: cfg.dataset, playText: cfg.playText, aggregate: { wfe: 0.72 } }),
    );
    const out = JSON.parse(
      (
        await forge(home, [
          'validate',
          runId,
          '--top',
          '1',
          '--permutations',
          '50',
          '--bootstrap',
          '50',
          '--workers',
          '2',
          '--json',
        ])
      ).stdout,
    );
    const wf = out.plays[0].guards.find((g: { name: string }) => g.name === 'walkforward');
    expect(wf).toMatchObject({ status: 'PASS', value: 0.72, threshold: 0.6 });
    expect(out.walkforward).toEqual({ runId: 'wf-test' });
    const after = await count();
    expect(after.guards).toBe(7);
    expect(after.plays).toBe(1);
  }, 60_000);

  it('a run id that does not exist is a clear error with the runs that do', async () => {
    const err = await forge(home, ['validate', '0000000000000000']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    expect(err!.stderr).toContain("no run '0000000000000000'");
    expect(err!.stderr).toContain(runId);
    // Not even the shape of a run id: refused before it becomes a path.
    const bad = await forge(home, ['validate', 'nope']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad!.code).toBe(1);
    expect(bad!.stderr).toContain('"nope" is not a run id');
  });
});
