import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/engine/errors.js';
import { osErrorToForge } from '../../src/forge/os-error.js';
import { CandleStore } from '../../src/forge/store/store.js';
import { canMount, EVOLVE_ARGS, forgeCli, freshHome, isRoot, mountTmpfs, unmount } from '../helpers/cli.js';

// Operating-system failures reach the user as "cannot <do> <path>: <cause> (<CODE>)", exit 1, never
// "internal error"; and a clean-up that fails after them (ROLLBACK, temp-file removal, lock
// release) never replaces them. Real files and real processes; disk-full and read-only disks need
// root to mount a tmpfs and are skipped (with the reason in their name) elsewhere.

const mounts: string[] = [];
afterAll(() => mounts.forEach(unmount));

function expectClear(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).toMatch(pattern);
  expect(r.code, r.stderr).toBe(1);
}

describe('OS errors through the CLI', () => {
  it.skipIf(!canMount)(
    `disk full during a store write names the file and ENOSPC${canMount ? '' : ' (skipped: cannot mount a tmpfs here, needs root)'}`,
    () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-full-'));
      expect(mountTmpfs(home, 'size=1m')).toBe(true);
      mounts.push(home);
      const r = forgeCli([
        'data',
        'synth',
        '--symbol',
        'X',
        '--tf',
        '1m',
        '--from',
        '2020-01-01',
        '--to',
        '2020-03-01',
        '--home',
        home,
      ]);
      expectClear(r, /error: cannot write \S+forge\.duckdb\S*: no space left on device \(ENOSPC\)/);
      expect(r.stderr).toContain('fix: free disk space');
      expect(r.stderr).not.toMatch(/cannot rollback/);
    },
    120_000,
  );

  it('a run folder below a file (ENOTDIR) names the folder and the cause', () => {
    const home = freshHome('forge-notdir-');
    fs.writeFileSync(path.join(home, 'runs'), 'a file where the runs folder should be');
    const r = forgeCli([...EVOLVE_ARGS, '--home', home, '--quiet']);
    expectClear(
      r,
      new RegExp(
        `cannot create the folder ${path.join(home, 'runs')}/[0-9a-f]{16}(/evaluations)?: a part of the path is a file, not a folder \\(ENOTDIR\\)`,
      ),
    );
  }, 120_000);

  it.skipIf(!canMount)(
    `a read-only runs folder (EROFS) names the run folder and the cause${canMount ? '' : ' (skipped: cannot mount a tmpfs here, needs root)'}`,
    () => {
      const home = freshHome('forge-rofs-');
      const first = forgeCli([...EVOLVE_ARGS, '--home', home, '--quiet']);
      expect(first.code, first.stderr).toBe(0);
      const runs = path.join(home, 'runs');
      fs.rmSync(runs, { recursive: true });
      expect(mountTmpfs(runs, 'ro,size=64k')).toBe(true);
      mounts.push(runs);
      const r = forgeCli([...EVOLVE_ARGS, '--home', home, '--quiet']);
      expectClear(r, new RegExp(`cannot create the folder ${runs}/[0-9a-f]{16}: read-only file system \\(EROFS\\)`));
    },
    120_000,
  );

  it.skipIf(isRoot)(
    `a run folder without write permission (EACCES)${isRoot ? ' (skipped: running as root, which permissions do not stop)' : ''}`,
    () => {
      const home = freshHome('forge-eacces-');
      const first = forgeCli([...EVOLVE_ARGS, '--home', home, '--quiet']);
      expect(first.code, first.stderr).toBe(0);
      const [id] = fs.readdirSync(path.join(home, 'runs'));
      const dir = path.join(home, 'runs', id);
      fs.chmodSync(dir, 0o555);
      try {
        const r = forgeCli([...EVOLVE_ARGS, '--generations', '5', '--home', home, '--quiet']);
        expectClear(r, new RegExp(`cannot write ${dir}/run.lock: permission denied \\(EACCES\\)`));
      } finally {
        fs.chmodSync(dir, 0o755);
      }
    },
    120_000,
  );

  it('a file name too long (ENAMETOOLONG) and a folder given as a file (EISDIR)', () => {
    const home = freshHome('forge-names-');
    const long = forgeCli(['evolve', '--config', path.join(home, 'c'.repeat(300) + '.yaml'), '--home', home]);
    expect(long.stderr).not.toContain('internal error');
    expect(long.code).toBe(1);
    const dir = forgeCli(['data', 'import', home, '--symbol', 'X', '--tf', '1h', '--home', home]);
    expect(dir.stderr).not.toContain('internal error');
    expect(dir.code).toBe(1);
  }, 120_000);
});

describe('the OS error mapper', () => {
  const real = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected a failure');
  };

  it('maps real fs failures with their path and cause', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-map-'));
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    const cases: [unknown, RegExp][] = [
      [
        real(() => fs.mkdirSync(path.join(file, 'sub'))),
        new RegExp(`^cannot create the folder ${file}/sub: a part of the path is a file, not a folder \\(ENOTDIR\\)$`),
      ],
      [real(() => fs.readFileSync(dir)), /^cannot read: it is a folder, not a file \(EISDIR\)$/],
      [
        real(() => fs.writeFileSync(path.join(dir, 'n'.repeat(300)), 'x')),
        /^cannot open \S+n{300}: the path or a name in it is too long \(ENAMETOOLONG\)$/,
      ],
    ];
    for (const [err, pattern] of cases) {
      const mapped = osErrorToForge(err);
      expect(mapped).toBeInstanceOf(ForgeError);
      expect(mapped!.message).toMatch(pattern);
      expect(mapped!.fix).toBeTruthy();
    }
  });

  it('maps errno failures that cannot be provoked here (injected at the fs boundary)', () => {
    const errno = (code: string, syscall: string, p: string) =>
      Object.assign(new Error(`${code}: x, ${syscall} '${p}'`), { code, syscall, path: p, errno: -1 });
    const expectations: [string, string, string][] = [
      ['ENOSPC', 'write', 'cannot write /h/runs/x/checkpoint.json: no space left on device (ENOSPC)'],
      ['EACCES', 'open', 'cannot open /h/runs/x/checkpoint.json: permission denied (EACCES)'],
      ['EROFS', 'mkdir', 'cannot create the folder /h/runs/x/checkpoint.json: read-only file system (EROFS)'],
      ['EMFILE', 'open', 'cannot open /h/runs/x/checkpoint.json: too many open files in this process (EMFILE)'],
    ];
    for (const [code, syscall, message] of expectations) {
      const mapped = osErrorToForge(errno(code, syscall, '/h/runs/x/checkpoint.json'))!;
      expect(mapped.message).toBe(message);
      expect(mapped.code).toBe(`E_OS_${code}`);
    }
    expect(osErrorToForge(new TypeError('x is not a function'))).toBeNull(); // bugs stay bugs
  });

  it("maps DuckDB's I/O errors, which carry only a message", () => {
    const mapped = osErrorToForge(
      new Error(
        'TransactionContext Error: Failed to commit: Could not write file "/h/data/forge.duckdb.wal": No space left on device',
      ),
    )!;
    expect(mapped.message).toMatch(
      /^cannot write \/h\/data\/forge\.duckdb\.wal: no space left on device \(ENOSPC\): TransactionContext Error/,
    );
  });
});

describe('clean-up never replaces the first error', () => {
  it('a failed statement followed by a failed ROLLBACK reports the statement (real DuckDB)', async () => {
    const store = await CandleStore.open(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-tx-')), 'f.duckdb'));
    try {
      const first = new Error('the insert failed (its cause)');
      const err = await store
        .transaction(async (s) => {
          await s.run('COMMIT'); // ends the transaction, as a failed COMMIT on a full disk does: ROLLBACK will fail
          throw first;
        })
        .catch((e: unknown) => e);
      expect(err).toBe(first);
    } finally {
      store.close();
    }
  });
});
