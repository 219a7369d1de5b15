import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvolveJson, freshHome } from '../../helpers/cli.js';

// End to end through the built CLI, real worker threads, a real DuckDB file and real Parquet:
// the same config and seed must give byte-identical results whatever the worker count and batch
// size, and a run killed with SIGKILL and resumed must end exactly where an uninterrupted run does.

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'bin/forge.js');
const PLAY = path.join(ROOT, 'configs/plays/default.yaml');
const run = promisify(execFile);

const CATALOG = `datasets:
  - name: TEST_15M
    symbol: TESTUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-01-01
    to: 2021-04-01
    regime: cycle
    description: three months of synthetic 15m bars for the evolve tests
`;

const home = () => freshHome('forge-evolve-', CATALOG);

const ARGS = [
  'evolve',
  '--dataset',
  'TEST_15M',
  '--play',
  PLAY,
  '--pop',
  '16',
  '--generations',
  '6',
  '--seed',
  '7',
  '--min-trades',
  '3',
  '--synthetic',
];

async function evolve(dir: string, extra: string[]): Promise<EvolveJson> {
  const { stdout } = await run(process.execPath, [CLI, ...ARGS, ...extra, '--home', dir, '--json'], {
    cwd: dir,
    maxBuffer: 32 << 20,
  });
  return JSON.parse(stdout);
}

const artefacts = (runDir: string) => ({
  hof: fs.readFileSync(path.join(runDir, 'hall_of_fame.json'), 'utf8'),
  stats: fs.readFileSync(path.join(runDir, 'generations.json'), 'utf8'),
  parquet: fs.readdirSync(path.join(runDir, 'evaluations')).sort(),
});

describe('forge evolve (CLI, end to end)', () => {
  let reference: { out: EvolveJson; files: ReturnType<typeof artefacts> };

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
    const out = await evolve(home(), ['--workers', '1']);
    reference = { out, files: artefacts(out.runDir) };
  }, 120_000);

  it('runs in-process and reports a hall of fame with in- and out-of-sample figures', () => {
    const { out } = reference;
    expect(out.ok).toBe(true);
    expect(out.status).toBe('finished');
    expect(out.generationsDone).toBe(6);
    expect(out.dataset.source).toBe('synthetic');
    expect(out.hallOfFame.length).toBeGreaterThan(0);
    const best = out.hallOfFame[0];
    expect(best.inSample.trades).toBeGreaterThanOrEqual(0);
    expect(best.outOfSample).not.toBeNull();
    expect(reference.files.parquet).toEqual([
      'gen-00000.parquet',
      'gen-00001.parquet',
      'gen-00002.parquet',
      'gen-00003.parquet',
      'gen-00004.parquet',
      'gen-00005.parquet',
    ]);
  });

  it('gives byte-identical hall of fame and statistics with 2 workers and other batch sizes', async () => {
    for (const extra of [
      ['--workers', '2'],
      ['--workers', '2', '--batches-per-worker', '1'],
      ['--workers', '3', '--batches-per-worker', '7'],
    ]) {
      const out = await evolve(home(), extra);
      expect(out.runId).toBe(reference.out.runId); // the worker count is not part of the run's identity
      const files = artefacts(out.runDir);
      expect(files.hof).toBe(reference.files.hof);
      expect(files.stats).toBe(reference.files.stats);
    }
  }, 120_000);

  it('a feature store of 2 MB (a few features: it evicts and recomputes) gives the same result as a large one', async () => {
    expect(reference.out.features.evictions).toBe(0);
    const out = await evolve(home(), ['--workers', '2', '--feature-memory', '2MB']);
    expect(out.features.evictions).toBeGreaterThan(0);
    expect(out.features.peakBytes).toBeLessThanOrEqual(2 * 1024 ** 2);
    expect(out.features.computed).toBeGreaterThan(reference.out.features.computed);
    const files = artefacts(out.runDir);
    expect(files.hof).toBe(reference.files.hof);
    expect(files.stats).toBe(reference.files.stats);
  }, 120_000);

  it('a different seed finds a different search', async () => {
    const out = await evolve(home(), ['--workers', '1', '--seed', '8']);
    expect(out.runId).not.toBe(reference.out.runId);
    expect(artefacts(out.runDir).stats).not.toBe(reference.files.stats);
  }, 60_000);

  it('killed with SIGKILL mid-run and resumed, ends exactly like the uninterrupted run', async () => {
    const dir = home();
    const child = spawn(process.execPath, [CLI, ...ARGS, '--workers', '2', '--home', dir, '--quiet'], {
      cwd: dir,
      stdio: 'ignore',
    });
    const checkpoint = path.join(dir, 'runs', reference.out.runId, 'checkpoint.json');
    const killedAt = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        if (fs.existsSync(checkpoint)) {
          const generation = JSON.parse(fs.readFileSync(checkpoint, 'utf8')).state.generation as number;
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve(generation);
        }
      }, 5);
      child.once('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`evolve exited (${code}) before it could be killed`));
      });
    });
    await new Promise((r) => child.once('exit', r));
    expect(killedAt).toBeLessThan(6);

    const { stdout } = await run(
      process.execPath,
      [CLI, 'evolve', '--resume', reference.out.runId, '--workers', '2', '--home', dir, '--json'],
      { cwd: dir },
    );
    const out = JSON.parse(stdout);
    expect(out.status).toBe('finished');
    const files = artefacts(out.runDir);
    expect(files.hof).toBe(reference.files.hof);
    expect(files.stats).toBe(reference.files.stats);
    expect(files.parquet).toEqual(reference.files.parquet);
  }, 120_000);

  async function stopWith(
    signal: NodeJS.Signals,
    dir: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string; checkpoint: string }> {
    const child = spawn(process.execPath, [CLI, ...ARGS, '--workers', '2', '--home', dir], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const checkpoint = path.join(dir, 'runs', reference.out.runId, 'checkpoint.json');
    const timer = setInterval(() => {
      if (fs.existsSync(checkpoint)) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 5);
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    clearInterval(timer);
    return { code, stdout, stderr, checkpoint };
  }

  it('Ctrl-C stops after the current generation with its checkpoint written and prints the resume command', async () => {
    const { code, stdout, checkpoint } = await stopWith('SIGINT', home());
    expect(code).toBe(130);
    expect(stdout).toContain(`resume: forge evolve --resume ${reference.out.runId}`);
    const state = JSON.parse(fs.readFileSync(checkpoint, 'utf8')).state;
    expect(state.generation).toBeGreaterThan(0);
    expect(state.generation).toBeLessThan(6);
  }, 60_000);

  it('SIGTERM stops like Ctrl-C: checkpoint written, lock released, resume command, exit 143; the resume ends like an uninterrupted run', async () => {
    const dir = home();
    const { code, stdout, stderr, checkpoint } = await stopWith('SIGTERM', dir);
    expect(code, stderr).toBe(143);
    expect(stderr).toContain('SIGTERM: stopping after this generation');
    expect(stdout).toContain(`resume: forge evolve --resume ${reference.out.runId}`);
    const state = JSON.parse(fs.readFileSync(checkpoint, 'utf8')).state;
    expect(state.generation).toBeGreaterThan(0);
    expect(state.generation).toBeLessThan(6);
    expect(fs.existsSync(path.join(path.dirname(checkpoint), 'run.lock'))).toBe(false);
    const { stdout: resumed } = await run(
      process.execPath,
      [CLI, 'evolve', '--resume', reference.out.runId, '--workers', '2', '--home', dir, '--json'],
      { cwd: dir },
    );
    expect(JSON.parse(resumed).status).toBe('finished');
    expect(artefacts(path.dirname(checkpoint)).hof).toBe(reference.files.hof);
  }, 120_000);

  it('starting a finished run again shows its result instead of recomputing it', async () => {
    const dir = path.dirname(path.dirname(reference.out.runDir));
    const out = await evolve(dir, ['--workers', '1']);
    expect(out.status).toBe('already-finished');
    expect(JSON.stringify(out.hallOfFame)).toBe(JSON.stringify(JSON.parse(reference.files.hof)));
  }, 60_000);
});
