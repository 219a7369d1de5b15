import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { importFile } from '../../../src/forge/store/import.js';
import { withStore } from '../../../src/forge/store/store.js';

// A second writer: another OS process holds the store open for writing (DuckDB's file lock);
// an import here must fail with E_STORE_LOCKED and leave the file as it was.

const REPO = path.resolve(__dirname, '../../..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-lock-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const HOLDER = `
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(process.env.FORGE_LOCK_PATH);
const conn = await inst.connect();
await conn.run('SELECT count(*) FROM candles');
process.stdout.write('ready\\n');
process.stdin.on('end', () => { conn.closeSync(); inst.closeSync(); process.exit(0); });
process.stdin.resume();
`;

async function count(storePath: string): Promise<string> {
  return withStore(storePath, { readOnly: true }, async (s) => {
    const r = await s.all<{ f: string }>(
      `SELECT count(*) || ':' || sum(close) || ':' || string_agg(DISTINCT source, ',') AS f FROM candles`,
    );
    return r[0].f;
  });
}

describe('second writer', () => {
  it('an import while another process holds the store fails with E_STORE_LOCKED; store unchanged', async () => {
    const storePath = path.join(root, 'data', 'forge.duckdb');
    const csv = (name: string, hours: number) => {
      const p = path.join(root, name);
      const lines = ['timestamp,open,high,low,close,volume'];
      for (let h = 0; h < hours; h++) lines.push(`${Date.UTC(2022, 0, 1, h) / 1000},10,12,9,11,1`);
      fs.writeFileSync(p, lines.join('\n'));
      return p;
    };
    await importFile(storePath, { file: csv('first.csv', 5), symbol: 'X', tf: '1h' });
    const before = await count(storePath);
    expect(before).toBe('5:55.0:first.csv');

    const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLDER], {
      cwd: REPO,
      env: { ...process.env, FORGE_LOCK_PATH: storePath },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    holder.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d) => String(d).includes('ready') && resolve());
      holder.on('exit', (code) => reject(new Error(`holder exited early (${code}): ${stderr}`)));
    });
    try {
      const err = await importFile(storePath, { file: csv('second.csv', 10), symbol: 'X', tf: '1h' }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ForgeError);
      expect((err as ForgeError).code).toBe('E_STORE_LOCKED');
      expect((err as ForgeError).message).toMatch(/store is locked/);
      expect((err as ForgeError).message).toContain(`PID ${holder.pid}`);
    } finally {
      holder.stdin.end();
    }
    expect(await exited).toBe(0);
    expect(await count(storePath)).toBe(before);
    // and once the holder is gone the same import goes through
    const r = await importFile(storePath, { file: csv('second.csv', 10), symbol: 'X', tf: '1h' });
    expect([r.inserted, r.updated, r.unchanged]).toEqual([5, 5, 0]);
  });
});
