import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forgeCli, REPO } from '../helpers/cli.js';

// The CLI side of auto-sync and the --synthetic rule: no network keeps the shipped datasets working
// on their labelled stand-in, a typo in a user catalog is refused, and a play that does not fit the
// dataset is told which shipped plays do.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-sync-cli-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const home = (name: string, catalog?: string) => {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'datasets'), { recursive: true });
  if (catalog) fs.writeFileSync(path.join(dir, 'datasets', 'catalog.yaml'), catalog);
  return dir;
};
// Sync on, pointed at a closed port on 127.0.0.1: "no network" without leaving this machine.
const NO_NETWORK = { FORGE_OFFLINE: '', FORGE_ARCHIVE_URL: 'http://127.0.0.1:9' };
const SMALL = ['--pop', '6', '--generations', '1', '--workers', '1', '--min-trades', '1'];

describe('auto-sync and --synthetic (CLI)', () => {
  it('no network: a shipped dataset builds its labelled stand-in, with one warning naming what was tried', () => {
    const h = home('nonet');
    const r = forgeCli(['datasets', 'build', 'ETHUSDT_RANGE', '--synthetic', '--home', h], { env: NO_NETWORK });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const couldNot = r.stderr.split('\n').filter((l) => l.includes('could not fetch'));
    expect(couldNot).toHaveLength(1);
    expect(couldNot[0]).toMatch(
      /cannot reach the candle archive: GET http:\/\/127\.0\.0\.1:9\/data\/spot\/monthly\/klines\/ETHUSDT\/1h\/ETHUSDT-1h-2023-05\.zip\.CHECKSUM/,
    );
    expect(r.stdout).toContain('SYNTHETIC stand-in');
  });

  it('--offline does not try the archive at all', () => {
    const r = forgeCli(['datasets', 'build', 'ETHUSDT_RANGE', '--synthetic', '--offline', '--home', home('offline')], {
      env: NO_NETWORK,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('fetch');
  });

  it('evolve on a mistyped user-catalog symbol asks for --synthetic instead of writing a stand-in', () => {
    const h = home(
      'typo',
      `datasets:\n  - name: MINE\n    symbol: ETHUSTD\n    base: 1h\n    derived: [4h, 1d]\n    from: 2023-01-01\n    to: 2023-03-01\n    regime: range\n`,
    );
    const play = path.join(REPO, 'configs/plays/rsi_mean_reversion.yaml');
    const r = forgeCli(['evolve', '--dataset', 'MINE', '--play', play, ...SMALL, '--home', h, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "no candles of symbol 'ETHUSTD' in the store, and no shipped dataset uses it, did you mean 'ETHUSDT'?",
    );
    expect(r.stderr).toContain('--synthetic');
    const ls = forgeCli(['data', 'ls', '--home', h, '--json']);
    expect(ls.stdout).not.toContain('ETHUSTD'); // no stand-in was written
    const ok = forgeCli([
      'evolve',
      '--dataset',
      'MINE',
      '--play',
      play,
      ...SMALL,
      '--home',
      h,
      '--synthetic',
      '--json',
    ]);
    expect(ok.stderr).not.toContain('internal error');
    expect(ok.code).toBe(0);
  }, 120_000);

  it('the default play (15m) on an hourly dataset: the error lists the shipped plays that fit', () => {
    const r = forgeCli(['evolve', '--dataset', 'BTCUSDT_BEAR_2022', ...SMALL, '--offline', '--home', home('fit')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dataset BTCUSDT_BEAR_2022 has no 15m bars (it has 1h, 4h, 1d)');
    expect(r.stderr).toMatch(
      /fix: shipped plays that fit BTCUSDT_BEAR_2022 \(1h, 4h, 1d\): --play configs\/plays\/donchian_breakout\.yaml, .*--play configs\/plays\/rsi_mean_reversion\.yaml/,
    );
  }, 120_000);
});
