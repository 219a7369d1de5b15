import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonFile } from '../../../src/forge/runs/read.js';
import { parseStatsText, StatsFile, statsFileText } from '../../../src/forge/runs/stats-file.js';

// generations.json as the run writer appends it (issue 10 point 9: a long run's writes must not grow
// with the run): the bytes must stay JSON.stringify(stats, null, 2) + '\n' (runs byte-identical), and a
// file cut by a kill during an append must read back as its whole entries.

const stat = (g: number) => ({ generation: g, best: g / 3, mean: -g, label: `gén ${g}`, nested: { a: [g, null] } });
const readStatsFile = <T>(file: string) => readJsonFile<T[]>(file, 'generations.json', parseStatsText);
const stats = (n: number) => Array.from({ length: n }, (_, g) => stat(g));
const expected = (n: number) => `${JSON.stringify(stats(n), null, 2)}\n`;

const dirs: string[] = [];
const tmpFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-stats-'));
  dirs.push(d);
  return path.join(d, 'generations.json');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('generations.json', () => {
  it('is JSON.stringify(entries, null, 2) + newline, empty or not', () => {
    for (const n of [0, 1, 2, 30]) expect(statsFileText(stats(n))).toBe(expected(n));
  });

  it('written whole, then appended in batches, holds exactly those bytes after each write', () => {
    const file = tmpFile();
    const w = new StatsFile();
    w.write(file, 0, []);
    expect(fs.readFileSync(file, 'utf8')).toBe('[]\n');
    w.write(file, 0, stats(1));
    let n = 1;
    for (const batch of [7, 300, 2000, 5, 0]) {
      w.write(
        file,
        n,
        Array.from({ length: batch }, (_, i) => stat(n + i)),
      );
      n += batch;
      expect(fs.readFileSync(file, 'utf8')).toBe(expected(n));
    }
    expect(() => w.write(file, n + 3, [stat(n + 3)])).toThrow(/statistics from 2316, 2313 written/);
  });

  it('a write sent again after a failed one replaces the cut tail the failure left', () => {
    const file = tmpFile();
    const w = new StatsFile();
    w.write(file, 0, stats(10));
    // A failed append wrote part of a long text over the closing bracket and stopped.
    const cut = statsFileText(stats(40)).slice(0, expected(25).length);
    fs.writeFileSync(file, cut);
    w.write(file, 10, stats(12).slice(10));
    expect(fs.readFileSync(file, 'utf8')).toBe(expected(12));
  });

  it('a file cut anywhere inside an append reads back as its whole entries', () => {
    const file = tmpFile();
    const before = expected(5);
    const after = expected(8);
    // The append overwrites the old closing "\n]\n" and writes three entries: cut it at every byte.
    for (let end = before.length - 3; end < after.length; end++) {
      fs.writeFileSync(file, after.slice(0, end));
      const got = readStatsFile<ReturnType<typeof stat>>(file);
      const whole = got!.length;
      expect(whole, `cut at ${end}`).toBeGreaterThanOrEqual(5);
      expect(got).toEqual(JSON.parse(expected(whole)));
    }
    expect(readStatsFile(path.join(path.dirname(file), 'absent.json'))).toBeNull();
    fs.writeFileSync(file, '{"not": "ours"');
    expect(() => readStatsFile(file)).toThrow(/generations\.json is not readable JSON/);
  });
});
