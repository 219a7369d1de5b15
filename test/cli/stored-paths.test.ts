import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/forge/datasets/load.js';
import { forgeHome } from '../../src/forge/home.js';
import { forgeCli, freshHome } from '../helpers/cli.js';

// Ids and file names read back from a home's files (and from the command line) become paths: a
// tampered one must be refused with an error naming the file and field, and nothing outside the
// home may be created or read. Each case uses a sandbox: <sandbox>/home is the home, and a path
// escaping it would land in <sandbox>/escape.

function sandbox(): { root: string; home: string; escape: string } {
  const home = freshHome('forge-paths-');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-sandbox-'));
  fs.renameSync(home, path.join(root, 'home'));
  return { root, home: path.join(root, 'home'), escape: path.join(root, 'escape') };
}

const GOOD_ID = '0123456789abcdef';

/** A run folder whose config.json says runId: `runId` (otherwise plausible, on the catalog's dataset). */
function tamperedRun(home: string, runId: string): string {
  const dir = path.join(home, 'runs', GOOD_ID);
  fs.mkdirSync(dir, { recursive: true });
  const config = {
    runId,
    config: { play: 'x.yaml', seed: '1', holdout: 0.2, ga: { generations: 2 } },
    playText: 'name: x\n',
    dataset: { name: 'TEST_SMALL', hash: 'h', source: 'synthetic' },
    regimes: [],
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(
    path.join(dir, 'hall_of_fame.json'),
    JSON.stringify([{ rank: 1, fitness: 1, genome: [], params: {}, play: [] }]),
  );
  return dir;
}

describe('paths read back from stored files', () => {
  it('evolve --resume refuses a config.json whose runId leaves the runs folder, and creates nothing outside the home', () => {
    const s = sandbox();
    const dir = tamperedRun(s.home, '../../../escape');
    const r = forgeCli(['evolve', '--resume', GOOD_ID, '--home', s.home, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${path.join(dir, 'config.json')}: field runId: "../../../escape" is not a run id`);
    expect(r.stderr).not.toContain('internal error');
    expect(fs.existsSync(s.escape)).toBe(false);
  }, 120_000);

  it('evolve --resume refuses a config.json naming another run', () => {
    const s = sandbox();
    tamperedRun(s.home, 'fedcba9876543210');
    const r = forgeCli(['evolve', '--resume', GOOD_ID, '--home', s.home, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/field runId is fedcba9876543210, but the file is in the folder of run 0123456789abcdef/);
    expect(fs.existsSync(path.join(s.home, 'runs', 'fedcba9876543210'))).toBe(false);
  }, 120_000);

  it('validate refuses a config.json whose runId leaves the runs folder', () => {
    const s = sandbox();
    tamperedRun(s.home, '../../../escape');
    const r = forgeCli(['validate', GOOD_ID, '--home', s.home, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('field runId: "../../../escape" is not a run id');
    expect(fs.existsSync(s.escape)).toBe(false);
  }, 120_000);

  it('run arguments must be run ids (or run folders): --resume, validate and backtest --run', () => {
    const s = sandbox();
    for (const args of [
      ['evolve', '--resume', '../../escape'],
      ['validate', 'not-a-run'],
      ['backtest', '--run', 'ABCDEF0123456789'],
    ]) {
      const r = forgeCli([...args, '--home', s.home]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/is not a run id \(16 lower-case hex characters/);
    }
    // A run folder path is fine: its last part is the id.
    const r = forgeCli(['validate', path.join(s.home, 'runs', GOOD_ID) + '/', '--home', s.home]);
    expect(r.stderr).toContain(`no run '${GOOD_ID}'`);
  }, 120_000);

  it("a manifest whose file is '../../../../etc/hostname' is refused before anything is opened", async () => {
    const s = sandbox();
    const dir = path.join(s.home, 'datasets', 'EVIL');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(s.root, 'secret.parquet'), 'PAR1 not for forge');
    const manifest = {
      format: 1,
      name: 'EVIL',
      timeframes: [{ tf: '1h', tfMs: 3_600_000, bars: 1, first: 0, last: 0, file: '../../../secret.parquet' }],
      hash: 'x',
    };
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const e = await loadDataset(forgeHome(s.home), 'EVIL').then(
      () => null,
      (err) => err,
    );
    expect(e?.code).toBe('E_MANIFEST');
    expect(e?.message).toContain(
      `${path.join(dir, 'manifest.json')}: field timeframes[0].file is "../../../secret.parquet", not a plain file name`,
    );
    const listed = forgeCli(['datasets', 'ls', '--home', s.home, '--json']);
    const evil = JSON.parse(listed.stdout).datasets.find((d: { name: string }) => d.name === 'EVIL');
    expect(evil.status).toBe('damaged');
    expect(evil.problem).toContain('field timeframes[0].file');
  }, 120_000);

  it("a current.json naming '../..' as its version is refused", async () => {
    const s = sandbox();
    const dir = path.join(s.home, 'datasets', 'EVIL');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'current.json'), JSON.stringify({ version: '../..' }));
    const e = await loadDataset(forgeHome(s.home), 'EVIL').then(
      () => null,
      (err) => err,
    );
    expect(e?.code).toBe('E_MANIFEST');
    expect(e?.message).toContain(`${path.join(dir, 'current.json')}: field version must name a version folder`);
  });

  it('dataset names that are not one safe folder name are refused', async () => {
    const s = sandbox();
    for (const name of ['../escape', '.hidden', 'a/b', 'x'.repeat(200)]) {
      const e = await loadDataset(forgeHome(s.home), name).then(
        () => null,
        (err) => err,
      );
      expect(e?.code, name).toBe('E_UNKNOWN_DATASET');
    }
  });
});

describe('--home values that cannot be a home', () => {
  const synth = ['data', 'synth', '--symbol', 'X', '--tf', '1h', '--from', '2021-01-01', '--to', '2021-01-03'];

  it('a file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-home-')), 'a-file');
    fs.writeFileSync(file, 'x');
    const r = forgeCli([...synth, '--home', file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`--home (or FORGE_HOME) ${JSON.stringify(file)}: is a file, not a folder`);
  });

  it('a path below a file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-home-')), 'a-file');
    fs.writeFileSync(file, 'x');
    const r = forgeCli([...synth], { env: { FORGE_HOME: path.join(file, 'home') } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('a part of the path is a file, not a folder');
  });

  it('too long', () => {
    const deep = path.join(os.tmpdir(), ...Array.from({ length: 20 }, () => 'd'.repeat(200)));
    const r = forgeCli([...synth, '--home', deep]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/the path is \d+ bytes long; forge's files below it need at most/);
    const r2 = forgeCli([...synth, '--home', path.join(os.tmpdir(), 'n'.repeat(300))]);
    expect(r2.code, r2.stderr).toBe(1);
    expect(r2.stderr).toMatch(/is 300 bytes; a name can have at most 255/);
  });
});
