import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, wfHome } from './fixtures.js';

// `forge walkforward` stopped by SIGTERM / SIGINT as a real process (the built CLI, real worker
// threads, a real DuckDB file): it stops at the end of a generation with exit 143 / 130, releases the
// run lock, leaves no result and no temp file behind (a walk-forward has no checkpoint), prints the
// command to run again, and that command then ends exactly as an uninterrupted run does.

const run = promisify(execFile);

const PLAY = `market: {symbol: TESTUSDT, tf: 1h}
features:
  fast: {indicator: ema, params: {period: {int: [5, 20]}}}
  slow: {indicator: ema, params: {period: {int: [30, 80], step: 5}}}
entry:
  long: {cross_above: [fast, slow]}
  short: {cross_below: [fast, slow]}
`;

const PLAY_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-wf-stop-play-')), 'play.yaml');
fs.writeFileSync(PLAY_FILE, PLAY);
const ARGS = [
  'walkforward',
  '--dataset',
  'TEST_1H',
  '--play',
  PLAY_FILE,
  '--train',
  '30d',
  '--test',
  '15d',
  '--synthetic',
];
const SEARCH = ['--pop', '10', '--generations', '12', '--seed', '3', '--min-trades', '1', '--workers', '2'];

const home = (): string => wfHome('forge-wf-stop-');

/** Starts the walk-forward, sends `signal` once its first generation is reported, waits for the exit. */
async function stopWith(signal: NodeJS.Signals, dir: string) {
  const child = spawn(process.execPath, [CLI, ...ARGS, ...SEARCH, '--home', dir], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!sent && /gen 1\/12/.test(stderr)) {
      sent = true;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, stdout, stderr, sent };
}

/** Every file under the home's runs folder, relative. */
function runFiles(dir: string): string[] {
  const runs = path.join(dir, 'runs');
  return fs.existsSync(runs) ? fs.readdirSync(runs, { recursive: true, encoding: 'utf8' }).sort() : [];
}

describe('forge walkforward stops gracefully', () => {
  it('SIGTERM: exit 143 after a generation, lock released, nothing kept, the rerun command ends like an uninterrupted run', async () => {
    const dir = home();
    const { code, stdout, stderr, sent } = await stopWith('SIGTERM', dir);
    expect(sent, stderr).toBe(true);
    expect(code, stderr).toBe(143);
    expect(stderr).toContain('SIGTERM: stopping after this generation');
    const m = /stopped after (\d+) of 12 generations; nothing of it was kept/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(1);
    expect(Number(m![1])).toBeLessThan(12);
    const rerun = /to run it again: (forge walkforward .*)/.exec(stdout)?.[1];
    expect(rerun).toBe(['forge', ...ARGS, ...SEARCH, '--home', dir].join(' '));
    // Nothing half-written: the config (written whole, before the search) and no lock, temp file or result.
    const files = runFiles(dir);
    expect(
      files.filter((f) => /run\.lock|\.tmp-|walkforward\.json|equity\.csv/.test(f)),
      files.join(', '),
    ).toEqual([]);

    // The printed command, run again, ends as a run in a fresh home that was never stopped.
    const again = await run(process.execPath, [CLI, ...ARGS, ...SEARCH, '--home', dir, '--json'], {
      cwd: dir,
      maxBuffer: 32 << 20,
    });
    const fresh = home();
    const reference = await run(process.execPath, [CLI, ...ARGS, ...SEARCH, '--home', fresh, '--json'], {
      cwd: fresh,
      maxBuffer: 32 << 20,
    });
    const a = JSON.parse(again.stdout);
    const b = JSON.parse(reference.stdout);
    expect(a.status).toBe('finished');
    expect(a.reused).toBe(false);
    expect(a.runId).toBe(b.runId);
    const report = (h: string, id: string) => fs.readFileSync(path.join(h, 'runs', id, 'walkforward.json'), 'utf8');
    expect(report(dir, a.runId)).toBe(report(fresh, b.runId));
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('SIGINT (Ctrl-C): exit 130, lock released', async () => {
    const dir = home();
    const { code, stderr, sent } = await stopWith('SIGINT', dir);
    expect(sent, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: stopping after this generation');
    expect(runFiles(dir).filter((f) => /run\.lock|walkforward\.json/.test(f))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
