import { spawn } from 'node:child_process';
import path from 'node:path';

// A second OS process holding DuckDB's write lock on a store file, as a long import does: real
// lock, real process. `release` closes it cleanly and waits for it to exit.

const REPO = path.resolve(import.meta.dirname, '../..');

const HOLDER = `
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(process.env.FORGE_LOCK_PATH);
const conn = await inst.connect();
await conn.run('SELECT 1');
process.stdout.write('ready\\n');
process.stdin.on('end', () => { conn.closeSync(); inst.closeSync(); process.exit(0); });
process.stdin.resume();
`;

export async function holdStore(storePath: string): Promise<{ pid: number; release: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', HOLDER], {
    cwd: REPO,
    env: { ...process.env, FORGE_LOCK_PATH: storePath },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`store holder exited early (${code}): ${stderr}`)));
  });
  return {
    pid: child.pid!,
    release: async () => {
      child.stdin.end();
      return exited;
    },
  };
}
