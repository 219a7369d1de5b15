import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, writeFileAtomic } from '../../../src/forge/atomic.js';
import { acquireRunFolder, runId, runPaths } from '../../../src/forge/runs/run-folder.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'forge-run-'));

describe('run folders', () => {
  it('run ids depend on config content, dataset and seed, not on key order', () => {
    const a = runId({ pop: 10, gens: 5 }, 'h1', 1);
    expect(runId({ gens: 5, pop: 10 }, 'h1', 1)).toBe(a);
    expect(runId({ pop: 11, gens: 5 }, 'h1', 1)).not.toBe(a);
    expect(runId({ pop: 10, gens: 5 }, 'h2', 1)).not.toBe(a);
    expect(runId({ pop: 10, gens: 5 }, 'h1', 2)).not.toBe(a);
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });

  it('refuses a second holder while the first is alive, and takes over a dead one', async () => {
    const dir = tmp();
    const run = acquireRunFolder(dir, 'abc');
    // Pretend a live process (the child) holds the lock.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      fs.writeFileSync(runPaths(dir, 'abc').lockPath, String(child.pid));
      expect(() => acquireRunFolder(dir, 'abc')).toThrow(/in use by another forge process \(PID \d+\)/);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const again = acquireRunFolder(dir, 'abc'); // the holder died: stale lock taken over
    again.release();
    run.release();
    expect(fs.existsSync(runPaths(dir, 'abc').lockPath)).toBe(false);
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
