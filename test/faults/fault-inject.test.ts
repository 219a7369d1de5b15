import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The fault-injection script (scripts/fault-inject.mjs) as CI runs it: real forge processes killed
// with SIGKILL at seeded moments (evolve, data import, datasets build, data fetch from a 127.0.0.1
// archive), then the invariants: evolve --resume ends byte for byte like an uninterrupted run, an import
// or fetch is all or nothing, the fetch cache holds no damaged zip, the dataset pointer always names a
// complete version, and no leftovers after the next run. Two kills per target
// keep it within CI's two minutes; run the script with --runs 20 for a longer soak.

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts', 'fault-inject.mjs');

describe('fault injection (kill -9 at seeded moments)', () => {
  it('every invariant holds for evolve, import, datasets build and data fetch', async () => {
    const { stdout, stderr, code } = await promisify(execFile)(
      process.execPath,
      [SCRIPT, '--runs', '2', '--seed', 'ci', '--json'],
      { cwd: ROOT, maxBuffer: 8 << 20 },
    ).catch((e) => e);
    // Exit 2 with no report: the script itself failed (not an invariant); say what it printed.
    expect(stdout.trim(), `fault-inject.mjs printed no report (exit ${code}); stderr:\n${stderr}`).not.toBe('');
    const report = JSON.parse(stdout);
    const byTarget = Object.fromEntries(report.results.map((r: { target: string }) => [r.target, r]));
    for (const t of ['evolve', 'import', 'datasets', 'fetch'])
      expect(byTarget[t], JSON.stringify(byTarget[t])).toMatchObject({ status: 'ok', runs: 2 });
    expect(report.ok).toBe(true);
  }, 300_000);

  it('refuses bad arguments with the fix', async () => {
    const r = await promisify(execFile)(process.execPath, [SCRIPT, '--targets', 'evolv'], { cwd: ROOT }).catch(
      (e) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown target evolv: the targets are evolve, import, datasets, fetch/);
  });
});
