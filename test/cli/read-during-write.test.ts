import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { holdStore } from '../helpers/store-holder.js';

// Read-only commands keep working while another process writes the store (DuckDB admits no reader
// then): `data ls` shows the summary the last completed write left, and says so; `datasets ls`
// reads only files. Real processes: the built CLI and a second process holding DuckDB's write lock.

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/forge.js');
const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-rdw-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('read-only commands while another process writes the store', () => {
  it('data ls shows the last completed write, says so, and exits 0; datasets ls works too', async () => {
    const csv = path.join(dir, 'x.csv');
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let h = 0; h < 48; h++) lines.push(`${Date.UTC(2022, 0, 1, h) / 1000},10,12,9,11,1`);
    fs.writeFileSync(csv, lines.join('\n'));
    await run(
      process.execPath,
      [CLI, 'data', 'import', csv, '--symbol', 'XUSDT', '--tf', '1h', '--home', dir, '--quiet'],
      { cwd: dir },
    );
    const quiet = JSON.parse(
      (await run(process.execPath, [CLI, 'data', 'ls', '--home', dir, '--json'], { cwd: dir })).stdout,
    );

    const holder = await holdStore(path.join(dir, 'data', 'forge.duckdb'));
    try {
      const busy = await run(process.execPath, [CLI, 'data', 'ls', '--home', dir, '--json'], { cwd: dir });
      const doc = JSON.parse(busy.stdout);
      expect(doc.series).toEqual(quiet.series);
      expect(doc.snapshotAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(busy.stderr).toMatch(new RegExp(`PID ${holder.pid}.*as of its last completed write`, 's'));
      const text = await run(process.execPath, [CLI, 'data', 'ls', '--home', dir], { cwd: dir });
      expect(text.stdout).toMatch(/XUSDT\s+1h\s+48/);
      const datasets = await run(process.execPath, [CLI, 'datasets', 'ls', '--home', dir], { cwd: dir });
      expect(datasets.stdout).toMatch(/BTCUSDT_FULL_CYCLE/);
    } finally {
      await holder.release();
    }
  }, 60_000);
});
