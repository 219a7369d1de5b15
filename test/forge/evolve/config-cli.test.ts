import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freshHome } from '../../helpers/cli.js';

// Bad configs and hopeless runs through the built CLI: each exits 1 with a message naming the key
// (issue 10 points 5 and 8) instead of running for minutes or "finishing" on failed evaluations.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'bin/forge.js');
const run = promisify(execFile);

const CATALOG =
  'datasets:\n  - name: T1H\n    symbol: TESTUSDT\n    base: 1h\n    from: 2021-01-04\n    to: 2021-01-09\n    regime: cycle\n';
const PLAY = `name: tiny
market: {symbol: TESTUSDT, tf: 1h}
features:
  fast: {indicator: sma, params: {period: {int: [3, 10]}}}
  slow: {indicator: sma, params: {period: {int: [12, 30]}}}
entry:
  long: {cross_above: [fast, slow]}
exit:
  on_opposite: true
`;

function home(): string {
  const dir = freshHome('forge-config-cli-', CATALOG);
  fs.writeFileSync(path.join(dir, 'play.yaml'), PLAY);
  return dir;
}

async function forge(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args, '--home', dir], { cwd: dir, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('forge evolve refuses bad configs up front (CLI)', () => {
  it('a quoted number, Infinity, too many workers, a population that cannot fit: exit 1 naming the key', async () => {
    const dir = home();
    const cases: [string, RegExp][] = [
      [
        'cash: "5000"\n',
        /c\.yaml: cash: got the text "5000"[\s\S]*fix: write it as a number, without quotes: cash: 5000/,
      ],
      ['cash: 1e400\n', /c\.yaml: cash: got Infinity/],
      ['holdout: abc\n', /c\.yaml: holdout: 'abc' is not a share/],
      ['ga:\n  population: 2.5\n', /c\.yaml: ga\.population: got 2\.5, expected an integer >= 2/],
      ['ga:\n  population: 1e9\n', /ga\.population: 1,000,000,000 x 30 generations[\s\S]*needs about/],
      ['workers: 1000\n', /workers: 1000 worker threads on \d+ cores?/],
    ];
    for (const [text, message] of cases) {
      fs.writeFileSync(path.join(dir, 'c.yaml'), `dataset: T1H\nplay: play.yaml\n${text}`);
      const r = await forge(dir, ['evolve', '--config', 'c.yaml']);
      expect(r.code, text).toBe(1);
      expect(r.stderr, text).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    expect(fs.existsSync(path.join(dir, 'runs'))).toBe(false); // nothing started
    const flag = await forge(dir, ['evolve', '--dataset', 'T1H', '--play', 'play.yaml', '--cash', 'abc']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/cash: got NaN \(not a number\)/);
  }, 60_000);

  it('a generation where every evaluation fails stops with exit 1, grouped errors, and stays resumable', async () => {
    const dir = home();
    const base = [
      'evolve',
      '--dataset',
      'T1H',
      '--play',
      'play.yaml',
      '--pop',
      '8',
      '--generations',
      '2',
      '--workers',
      '1',
      '--seed',
      '3',
      '--min-trades',
      '0',
      '--synthetic',
    ];
    // --max-wall 0: the run folder and its config exist, no generation ran yet.
    const first = await forge(dir, [...base, '--max-wall', '0', '--json']);
    expect(first.code).toBe(0);
    const { runId, runDir } = JSON.parse(first.stdout) as { runId: string; runDir: string };
    // A stored config the readers never saw (an old run, an edit): before the check this "finished" with exit 0.
    const configPath = path.join(runDir, 'config.json');
    const good = fs.readFileSync(configPath, 'utf8');
    fs.writeFileSync(configPath, good.replace('"cash": 10000', '"cash": "5000"'));
    const failed = await forge(dir, ['evolve', '--resume', runId, '--workers', '1']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /error: generation 0: all \d+ evaluations failed: \d+ x "cash: 5000 is not a positive amount"/,
    );
    expect(failed.stderr).toMatch(new RegExp(`fix: .*forge evolve --resume ${runId}`));
    expect(fs.existsSync(path.join(runDir, 'checkpoint.json'))).toBe(false); // the failing generation is not saved
    fs.writeFileSync(configPath, good);
    const resumed = await forge(dir, ['evolve', '--resume', runId, '--workers', '1', '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).status).toBe('finished');
  }, 120_000);
});

describe('forge data synth refuses a synthesis too large to be meant', () => {
  it('1m bars over 130 years: exit 1 with the bar count and a fix, before touching the store', async () => {
    const dir = home();
    const r = await forge(dir, [
      'data',
      'synth',
      '--symbol',
      'X',
      '--tf',
      '1m',
      '--from',
      '1900-01-01',
      '--to',
      '2030-01-01',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/68,374,080 1m bars .* is more than one synthesis makes \(20,000,000\)/);
    expect(r.stderr).toMatch(/fix: shorten the window to at most 38\.0 years of 1m bars, or use a longer --tf/);
    expect(fs.existsSync(path.join(dir, 'data', 'forge.duckdb'))).toBe(false);
  }, 60_000);
});
