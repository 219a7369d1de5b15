import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { canonicalJson, writeFileAtomic } from '../../../src/forge/atomic.js';
import { acquireRunFolder, runId, runPaths } from '../../../src/forge/runs/run-folder.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'forge-run-'));
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The state letter of /proc/<pid>/stat: R, S, Z (zombie), ... */
function procState(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
  } catch {
    return 'gone';
  }
}

describe('run folders', () => {
  it('run ids depend on config content, dataset and seed, not on key order', () => {
    const a = runId({ pop: 10, gens: 5 }, 'h1', 1);
    expect(runId({ gens: 5, pop: 10 }, 'h1', 1)).toBe(a);
    expect(runId({ pop: 11, gens: 5 }, 'h1', 1)).not.toBe(a);
    expect(runId({ pop: 10, gens: 5 }, 'h2', 1)).not.toBe(a);
    expect(runId({ pop: 10, gens: 5 }, 'h1', 2)).not.toBe(a);
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('refuses a second holder while the first holds it, naming its pid; free again after release', async () => {
    const dir = tmp();
    const id = 'a1b2c3d4e5f60718';
    const run = await acquireRunFolder(dir, id);
    await expect(acquireRunFolder(dir, id)).rejects.toThrow(
      new RegExp(`in use by another forge process \\(PID ${process.pid}\\)`),
    );
    run.release();
    const again = await acquireRunFolder(dir, id);
    again.release();
    expect(fs.existsSync(runPaths(dir, id).lockPath)).toBe(false);
  });

  it('of two processes racing for the same run id, exactly one wins, every time (300 trials)', async () => {
    const dir = tmp();
    const racers = [0, 1].map(() =>
      spawn(process.execPath, [path.join(FIXTURES, 'lock-racer.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const answers = racers.map((r) => {
      const lines = readline.createInterface({ input: r.stdout! })[Symbol.asyncIterator]();
      return async () => String((await lines.next()).value);
    });
    try {
      const tally: Record<string, number> = {};
      for (let t = 0; t < 300; t++) {
        const id = t.toString(16).padStart(16, '0');
        for (const r of racers) r.stdin!.write(`${dir} ${id}\n`);
        const outcome = (await Promise.all(answers.map((next) => next()))).sort().join('+');
        tally[outcome] = (tally[outcome] ?? 0) + 1;
      }
      expect(tally).toEqual({ 'lost+won': 300 });
    } finally {
      for (const r of racers) r.kill('SIGKILL');
    }
  }, 240_000);

  it('a holder killed with SIGKILL and not reaped (a zombie) no longer holds the lock', async () => {
    const dir = tmp();
    const id = 'feedc0de00000001';
    const ready = path.join(dir, 'ready');
    // sh starts the holder in the background, then becomes `sleep`, which never waits for children:
    // the killed holder stays a zombie for as long as sleep runs.
    const parent = spawn(
      'sh',
      [
        '-c',
        `"$0" "$1" "$2" "$3" "$4" & echo $!; exec sleep 300`,
        process.execPath,
        path.join(FIXTURES, 'lock-holder.mjs'),
        dir,
        id,
        ready,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const holder = Number(
        await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))),
      );
      await waitFor(() => fs.existsSync(ready), 60_000);
      await expect(acquireRunFolder(dir, id)).rejects.toThrow(new RegExp(`\\(PID ${holder}\\)`));
      process.kill(holder, 'SIGKILL');
      await waitFor(() => procState(holder) === 'Z', 10_000);
      const run = await acquireRunFolder(dir, id); // at once: no waiting for a reaper
      run.release();
    } finally {
      parent.kill('SIGKILL');
    }
  }, 90_000);

  it('temp files a killed holder left (*.tmp-PID-...) are removed when the run folder is next taken', async () => {
    const dir = tmp();
    const p = runPaths(dir, '00000000000000aa');
    fs.mkdirSync(p.evaluationsDir, { recursive: true });
    fs.writeFileSync(p.checkpointPath, '{}');
    fs.writeFileSync(`${p.checkpointPath}.tmp-99999-1700000000000`, '{"half');
    fs.writeFileSync(path.join(p.evaluationsDir, 'gen-00003.parquet.tmp-99999'), 'PAR1');
    const run = await acquireRunFolder(dir, p.id);
    expect(fs.readdirSync(p.dir).sort()).toEqual(['checkpoint.json', 'evaluations', 'run.lock']);
    expect(fs.readdirSync(p.evaluationsDir)).toEqual([]);
    run.release();
  });

  it('writeFileAtomic leaves the old content when the write cannot complete', () => {
    const dir = tmp();
    const target = path.join(dir, 'checkpoint.json');
    writeFileAtomic(target, '{"generation":1}');
    fs.mkdirSync(`${target}.blocker`);
    // Renaming onto a directory fails: the target must still hold the old content and no temp file remain.
    expect(() => writeFileAtomic(`${target}.blocker`, 'x')).toThrow();
    expect(fs.readFileSync(target, 'utf8')).toBe('{"generation":1}');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
