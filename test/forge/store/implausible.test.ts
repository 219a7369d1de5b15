import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forgeCli } from '../../helpers/cli.js';

// Rows a parser accepts but no market produces: a price 1e308 (or any over 1000x away from the previous
// close) and a bar dated in the future. They are bad lines like any other: the file is refused naming
// the line, or with --skip-bad imported without them and each one reported.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-implausible-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function csv(name: string, rows: string[]): string {
  const file = path.join(dir, name);
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let h = 0; h < 10; h++) lines.push(`${Date.UTC(2022, 0, 1, h) / 1000},100,101,99,100,1`);
  lines.push(...rows);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('implausible rows at import', () => {
  it('a 1e308 high is refused with its line, nothing imported; --skip-bad imports the rest and reports it', () => {
    const file = csv('spike.csv', [
      `${Date.UTC(2022, 0, 1, 10) / 1000},100,1e308,99,100,1`,
      `${Date.UTC(2022, 0, 1, 11) / 1000},100,101,99,100,1`,
    ]);
    const home = path.join(dir, 'h1');
    const r = forgeCli(['data', 'import', file, '--symbol', 'X', '--tf', '1h', '--home', home]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /spike\.csv:12: high 1e\+308 at 2022-01-01T10:00:00Z, over 1000x away from the previous close 100/,
    );
    const skip = forgeCli([
      'data',
      'import',
      file,
      '--symbol',
      'X',
      '--tf',
      '1h',
      '--skip-bad',
      '--home',
      home,
      '--json',
    ]);
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.stdout).inserted).toBe(11);
  });

  it('a bar dated in the year 9999 is refused with its line', () => {
    const file = path.join(dir, 'future.csv');
    const iso = (h: number) => new Date(Date.UTC(2022, 0, 1, h)).toISOString().replace('.000Z', 'Z');
    const rows = Array.from({ length: 10 }, (_, h) => `${iso(h)},100,101,99,100,1`);
    fs.writeFileSync(
      file,
      ['datetime,open,high,low,close,volume', ...rows, '9999-01-01T00:00:00Z,100,101,99,100,1'].join('\n') + '\n',
    );
    const r = forgeCli(['data', 'import', file, '--symbol', 'X', '--tf', '1h', '--home', path.join(dir, 'h2')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/future\.csv:12: timestamp 9999-01-01T00:00:00Z is in the future/);
  });
});
