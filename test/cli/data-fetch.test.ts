import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgeHome } from '../../src/forge/home.js';
import { withStore } from '../../src/forge/store/store.js';
import { ArchiveServer, publish, type Bar } from '../helpers/archive-server.js';
import { BIN } from '../helpers/cli.js';

// `forge data fetch` as a real process against the local archive: kill -9 mid-fetch then a rerun that
// downloads only what is missing, and the no-network line. The server runs in this process, so the
// CLI is spawned asynchronously (spawnSync would block the server).

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-fetch-cli-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const M15 = 900_000;
let server: ArchiveServer;
beforeEach(async () => {
  server = await new ArchiveServer().start();
});
afterEach(() => server.close());

function bars(from: number, to: number): Bar[] {
  const out: Bar[] = [];
  for (let t = from, i = 0; t < to; t += M15, i++) {
    const p = 2000 + Math.round(50 * Math.sin(i / 40));
    out.push({ ts: t, open: p, high: p + 3, low: p - 4, close: p + 1, volume: 1 + (i % 5) });
  }
  return out;
}

function run(args: string[], onStderr?: (text: string) => void) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORGE_ARCHIVE_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr?.(stderr);
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function rows(home: string): Promise<number | string> {
  const h = forgeHome(home);
  if (!fs.existsSync(h.storePath)) return '(no store)';
  return withStore(
    h.storePath,
    { readOnly: true },
    async (s) => (await s.all<{ n: number }>('SELECT CAST(count(*) AS INTEGER) n FROM candles'))[0].n,
  );
}

const FROM = Date.UTC(2023, 0, 1);
const TO = Date.UTC(2023, 4, 1); // Jan..Apr 2023: four monthly files

describe('forge data fetch (CLI)', () => {
  it('kill -9 mid-fetch leaves the store as it was; the rerun downloads only the missing files', async () => {
    const home = path.join(root, 'kill');
    const all = bars(FROM, TO);
    publish(server, all, { symbol: 'BTCUSDT', tf: '15m', tfMs: M15, now: Date.now() });
    const MAR = '/data/spot/monthly/klines/BTCUSDT/15m/BTCUSDT-15m-2023-03.zip';
    const args = [
      'data',
      'fetch',
      '--symbol',
      'BTCUSDT',
      '--tf',
      '15m',
      '--from',
      '2023-01-01',
      '--to',
      '2023-05-01',
      '--home',
      home,
      '--base-url',
      server.baseUrl,
    ];
    const first = run(args);
    server.faults.set(MAR, { kind: 'stall', onRequest: () => first.child.kill('SIGKILL') });
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(await rows(home)).toBe('(no store)');
    const cache = path.join(home, 'cache/binance/data/spot/monthly/klines/BTCUSDT/15m');
    expect(
      fs
        .readdirSync(cache)
        .filter((f) => f.endsWith('.zip'))
        .sort(),
    ).toEqual(['BTCUSDT-15m-2023-01.zip', 'BTCUSDT-15m-2023-02.zip']);

    server.faults.clear();
    const before = server.requests.length;
    const second = await run(args).done;
    expect(second.stderr).not.toContain('internal error');
    expect(second.code).toBe(0);
    const fetched = server.requests.slice(before).filter((u) => u.endsWith('.zip'));
    expect(fetched).toEqual([MAR, MAR.replace('2023-03', '2023-04')]);
    expect(await rows(home)).toBe(all.length);
    expect(second.stdout).toContain('2 downloaded, 2 from the cache');
    expect(fs.readdirSync(cache).filter((f) => f.includes('.part-'))).toEqual([]); // the killed run's temp file is gone
  }, 60_000);

  it('no network: one error line naming what was tried and the CSV alternative, exit 1, store unchanged', async () => {
    const home = path.join(root, 'offline');
    const closed = server.baseUrl;
    await server.close();
    server = await new ArchiveServer().start();
    const r = await run([
      'data',
      'fetch',
      '--symbol',
      'BTCUSDT',
      '--tf',
      '1h',
      '--from',
      '2023-01-01',
      '--to',
      '2023-02-01',
      '--home',
      home,
      '--base-url',
      closed,
      '--quiet',
    ]).done;
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^error: cannot reach the candle archive: GET http:\/\/127\.0\.0\.1:\d+\/data\/spot\/monthly\/klines\/BTCUSDT\/1h\/BTCUSDT-1h-2023-01\.zip\.CHECKSUM failed \(ECONNREFUSED/,
    );
    expect(lines[1]).toContain('forge data import FILE --symbol SYMBOL --tf TF');
    expect(lines).toHaveLength(2);
    expect(await rows(home)).toBe('(no store)');
  }, 60_000);
});
