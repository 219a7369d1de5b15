import fs from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { forgeCli, freshHome, REPO } from '../../helpers/cli.js';

// Issue 11 points 1, 5, 7 and issue 10 point 9 through the built CLI on a synthetic dataset: a budget
// in distinct evaluations, counted from the run's own Parquet rows; a checkpoint without evaluations.

const PLAY = path.join(REPO, 'configs/plays/default.yaml');

const home = () => freshHome('forge-budget-');

const evolve = (dir: string, extra: string[]) =>
  forgeCli(
    [
      'evolve',
      '--synthetic',
      '--dataset',
      'TEST_SMALL',
      '--play',
      PLAY,
      '--pop',
      '12',
      '--seed',
      '3',
      '--min-trades',
      '1',
      '--workers',
      '1',
      '--home',
      dir,
      ...extra,
    ],
    { cwd: dir },
  );

async function parquetRows(runDir: string): Promise<number> {
  let n = 0;
  for (const f of fs.readdirSync(path.join(runDir, 'evaluations'))) {
    const buf = fs.readFileSync(path.join(runDir, 'evaluations', f));
    n += (
      await parquetReadObjects({
        file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
        columns: ['genome_key'],
      })
    ).length;
  }
  return n;
}

describe('forge evolve --budget / --method (CLI)', () => {
  it('stops after exactly --budget distinct evaluations and reports cache hits apart; the checkpoint holds no evaluations', async () => {
    const dir = home();
    const r = evolve(dir, ['--budget', '40', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('budget-spent');
    expect(out.evaluations).toBe(40);
    expect(await parquetRows(out.runDir)).toBe(40);
    expect(out.cacheHits).toBeGreaterThan(0); // the elites of every generation after the first
    expect(out.persistence.generations).toBe(out.generationsDone);
    const checkpoint = fs.readFileSync(path.join(out.runDir, 'checkpoint.json'), 'utf8');
    expect(JSON.parse(checkpoint).state).not.toHaveProperty('evaluations');
    expect(JSON.parse(checkpoint).state.stats).toEqual([]); // in generations.json, read back on resume
    expect(checkpoint.length).toBeLessThan(40_000); // population, RNG, hall of fame: O(population)
    const hof = JSON.parse(fs.readFileSync(path.join(out.runDir, 'hall_of_fame.json'), 'utf8'));
    expect(hof.every((e: { equivalents: unknown }) => Number.isInteger(e.equivalents))).toBe(true);
    const text = evolve(dir, ['--budget', '40']);
    expect(text.stdout).toMatch(/40 distinct plays evaluated, \d+ cache hits/);
  }, 120_000);

  it('--method random spends the budget on distinct plays; --method grid refuses a space above its limit, with the count', () => {
    const dir = home();
    const r = evolve(dir, ['--method', 'random', '--budget', '30', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).evaluations).toBe(30);
    const grid = evolve(dir, ['--method', 'grid']);
    expect(grid.code).toBe(1);
    expect(grid.stderr).toMatch(/method grid: .*(combinations|without a step)/);
  }, 120_000);
});
