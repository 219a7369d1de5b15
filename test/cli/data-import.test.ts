import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI end to end (dist/ is made by `npm ci` / `npm run build`).
const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin', 'forge.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-cli-import-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function forge(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--home', root], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('forge data import / ls (built CLI)', () => {
  it('dist is built', () => {
    expect(
      fs.existsSync(path.join(REPO, 'dist', 'cli', 'commands', 'data', 'import.js')),
      'run `npm run build` first',
    ).toBe(true);
  });

  it('ls before any import says there is no store and how to fix it', () => {
    const r = forge('data', 'ls');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not exist yet/);
    expect(r.stderr).toMatch(/fix: .*forge data import/);
  });

  it('import --json prints one parseable document; ls --json shows it', () => {
    const file = path.join(root, 'ok.csv');
    fs.writeFileSync(
      file,
      'Date,Open,High,Low,Close,Volume\n2024-01-01,10,12,9,11,100\n2024-01-02,11,13,10,12,100\n2024-01-03,12,12.5,11,12.8,100\n',
    );
    const r = forge('data', 'import', file, '--symbol', 'ABC', '--tf', '1d', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      symbol: 'ABC',
      tf: '1d',
      rowsRead: 3,
      inserted: 3,
      updated: 0,
      replacedSynthetic: 0,
    });
    expect(doc.repaired).toEqual([
      { line: 4, time: '2024-01-03T00:00:00Z', problem: 'high 12.5 < close 12.8', high: [12.5, 12.8], low: [11, 11] },
    ]);
    const ls = JSON.parse(forge('data', 'ls', '--json').stdout);
    expect(ls.series).toEqual([
      {
        symbol: 'ABC',
        tf: '1d',
        bars: 3,
        first: '2024-01-01T00:00:00Z',
        last: '2024-01-03T00:00:00Z',
        sources: ['ok.csv'],
        repaired: 1,
        calendar: '24x7',
      },
    ]);
    const human = forge('data', 'import', file, '--symbol', 'ABC', '--tf', '1d');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/rows read\s+inserted\s+updated\s+unchanged/);
    expect(human.stdout).toMatch(/repaired 1 inconsistent bar/);
  });

  it('a bad file exits non-zero naming the line, as JSON too', () => {
    const file = path.join(root, 'bad.csv');
    fs.writeFileSync(
      file,
      'datetime,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,1,2,3\n2024-01-01 01:00:00,1,2,1,2\n',
    );
    const r = forge('data', 'import', file, '--symbol', 'ABC', '--tf', '1h', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('E_CSV_LINE');
    expect(doc.error.message).toContain('bad.csv:3: 5 fields, expected 6');
    expect(r.stderr).toMatch(/bad\.csv:3:/);
    const skipped = forge('data', 'import', file, '--symbol', 'ABC', '--tf', '1h', '--skip-bad');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/skipped 1 bad line.*\n\s+line 3: 5 fields, expected 6/);
  });
});
