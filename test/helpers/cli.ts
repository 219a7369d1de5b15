import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The built CLI as a real process, and real file-system faults for the error tests.

export const REPO = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(REPO, 'bin', 'forge.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function forgeCli(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: opts.timeout ?? 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Mounts a tmpfs at `dir` (root only); false when this machine does not allow it. */
export function mountTmpfs(dir: string, options: string): boolean {
  if (!isRoot) return false;
  fs.mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status === 0;
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

/** Whether root may mount a tmpfs here (probed once, on a throw-away folder). */
export const canMount: boolean = (() => {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-mount-probe-'));
  const ok = mountTmpfs(probe, 'size=64k');
  if (ok) unmount(probe);
  fs.rmSync(probe, { recursive: true, force: true });
  return ok;
})();

export const CATALOG = `datasets:
  - name: TEST_SMALL
    symbol: TESTUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-01-01
    to: 2021-02-01
    regime: cycle
    description: a month of synthetic 15m bars for the reliability tests
`;

/** A small evolve of the shipped default play on TEST_SMALL (pass --home and more). */
export const EVOLVE_ARGS = [
  'evolve',
  '--dataset',
  'TEST_SMALL',
  '--play',
  path.join(REPO, 'configs/plays/default.yaml'),
  '--pop',
  '12',
  '--generations',
  '4',
  '--seed',
  '7',
  '--min-trades',
  '1',
  '--workers',
  '1',
  '--synthetic',
];

/** A fresh home (a temp folder named `prefix`...) holding only a catalog: CATALOG unless one is given. */
export function freshHome(prefix: string, catalog: string = CATALOG): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, 'datasets'));
  fs.writeFileSync(path.join(dir, 'datasets', 'catalog.yaml'), catalog);
  return dir;
}

/** The fields of `forge evolve --json` the tests read (the CLI's JSON contract, written out here apart from src). */
export interface EvolveJson {
  ok: boolean;
  status: string;
  runId: string;
  runDir: string;
  generationsDone: number;
  evaluations: number;
  dataset: { source: string };
  hallOfFame: { inSample: { trades: number }; outOfSample: object | null }[];
  features: { evictions: number; peakBytes: number; computed: number };
}
