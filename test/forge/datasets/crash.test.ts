import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../src/forge/datasets/load.js';
import { forgeHome } from '../../../src/forge/home.js';
import { BIN, forgeCli, freshHome } from '../../helpers/cli.js';

// A rebuild killed with SIGKILL at any point leaves the dataset loadable (the old version or the
// new, never neither), and the next build removes what the killed one left. Real `forge datasets
// build` processes; FORGE_TEST_CRASH_AT kills one at a named step, the last test at arbitrary times.

const NAME = 'TEST_SMALL';

function build(home: string, seed: string, env: NodeJS.ProcessEnv = {}) {
  return forgeCli(['datasets', 'build', NAME, '--synthetic', '--seed', seed, '--home', home, '--json'], { env });
}

async function hashOf(home: string): Promise<string> {
  return (await loadDataset(forgeHome(home), NAME)).manifest.hash;
}

const contents = (home: string) => fs.readdirSync(path.join(home, 'datasets', NAME)).sort();

describe('datasets build killed mid-swap', () => {
  it('killed after writing the new version but before switching: the old version loads; the next build cleans up', async () => {
    const home = freshHome('forge-crash-');
    expect(build(home, 'a').code).toBe(0);
    const old = await hashOf(home);
    const killed = build(home, 'b', { FORGE_TEST_CRASH_AT: 'dataset-after-export' });
    expect(killed.code).toBeNull(); // died of SIGKILL
    expect(await hashOf(home)).toBe(old);
    expect(contents(home)).toEqual(['build.lock', 'current.json', 'v1', 'v2']); // v2 is the dead build's
    const next = build(home, 'b');
    expect(next.code, next.stderr).toBe(0);
    expect(await hashOf(home)).not.toBe(old);
    expect(contents(home)).toEqual(['current.json', 'v2']); // the dead build's v2 was removed first, so its name is free
  }, 180_000);

  it('killed right after switching: the new version loads; the next build removes the old one', async () => {
    const home = freshHome('forge-crash-');
    expect(build(home, 'a').code).toBe(0);
    const old = await hashOf(home);
    expect(build(home, 'b', { FORGE_TEST_CRASH_AT: 'dataset-after-publish' }).code).toBeNull();
    const fresh = await hashOf(home);
    expect(fresh).not.toBe(old);
    expect(contents(home)).toEqual(['build.lock', 'current.json', 'v1', 'v2']);
    expect(build(home, 'b').code).toBe(0);
    expect(await hashOf(home)).toBe(fresh);
    expect(contents(home)).toEqual(['current.json', 'v3']);
  }, 180_000);

  it('a build from before versioning, killed between its two renames, is put back and then upgraded', async () => {
    const home = freshHome('forge-crash-');
    expect(build(home, 'a').code).toBe(0);
    const old = await hashOf(home);
    // What the old two-rename swap left: the previous build only under .NAME.old-PID, plus a .tmp-PID.
    const dir = path.join(home, 'datasets', NAME);
    const legacy = path.join(home, 'datasets', `.${NAME}.old-4242`);
    fs.renameSync(path.join(dir, 'v1'), legacy);
    fs.rmSync(dir, { recursive: true });
    fs.mkdirSync(path.join(home, 'datasets', `.${NAME}.tmp-4243`));
    expect(build(home, 'b').code).toBe(0);
    expect(await hashOf(home)).not.toBe(old);
    expect(fs.readdirSync(path.join(home, 'datasets')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(contents(home)).toEqual(['current.json', 'v1']);
  }, 180_000);

  it('killed with SIGKILL at arbitrary moments, the dataset always loads (old or new) and the last build leaves no leftovers', async () => {
    const home = freshHome('forge-crash-');
    expect(build(home, 's0').code).toBe(0);
    let seed = 's0';
    for (const [i, delayMs] of [150, 400, 700, 1000, 1400, 2000].entries()) {
      const next = `s${i + 1}`;
      const child = spawn(
        process.execPath,
        [BIN, 'datasets', 'build', NAME, '--synthetic', '--seed', next, '--home', home, '--quiet'],
        { stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await exited;
      // Loading checks the content hash, so this is a complete version: the previous build's or this one's.
      const loaded = (await loadDataset(forgeHome(home), NAME)).manifest.seed;
      expect([seed, next]).toContain(loaded);
      seed = loaded!;
    }
    expect(build(home, 'last').code).toBe(0);
    await hashOf(home);
    expect(contents(home)).toHaveLength(2);
    expect(contents(home)[0]).toBe('current.json');
  }, 300_000);
});
