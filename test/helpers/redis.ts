import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, REPO } from './cli.js';

// A real redis-server on a free loopback port with its own temporary folder, and real `forge worker`
// processes from dist/. Tests skip (with this reason) only when redis-server is not installed.

export const REDIS_SERVER =
  ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p)) ??
  (spawnSync('which', ['redis-server'], { encoding: 'utf8' }).stdout.trim() || null);
export const NO_REDIS_REASON =
  'redis-server is not installed (apt-get install redis-server; .ci/run installs it when it may)';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
  /** Kills the server (SIGKILL: nothing saved), keeping its folder for restart(). */
  kill(): Promise<void>;
  /** Stops the server (SIGKILL: nothing saved) and starts a fresh one on the same port. */
  restart(): Promise<void>;
}

export interface RedisSetup {
  /** More redis-server arguments (e.g. --requirepass). */
  readonly extra?: readonly string[];
  /** user:password@ to put in the URL. */
  readonly auth?: string;
  /** Serve TLS only (rediss://) with this certificate and key. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export async function startRedis({ extra = [], auth = '', tls }: RedisSetup = {}): Promise<RedisServer> {
  if (REDIS_SERVER === null) throw new Error(NO_REDIS_REASON);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-redis-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    const ports = tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.cert,
          '--tls-key-file',
          tls.key,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(port)];
    child = spawn(
      REDIS_SERVER!,
      [...ports, '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extra],
      { stdio: 'ignore' },
    );
    await waitForPort(port);
  };
  const kill = async () => {
    const c = child;
    // Killed already (stop after restart's kill, or a test that stopped it): 'exit' has fired.
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await launch();
  return {
    port,
    url: `${tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    dir,
    kill,
    stop: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await kill();
      await launch();
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything the worker wrote to stderr so far. */
  log(): string;
  /** Resolves when the log matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startWorker(url: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker', '--redis', url, '--workers', '1', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  return {
    child,
    log: () => text,
    waitFor: async (re, timeoutMs = 60_000) => {
      const t0 = Date.now();
      while (!re.test(text)) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`worker log never matched ${re}:\n${text}`);
        if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}) before ${re}:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}

/** Runs the CLI as a child process without blocking the test's event loop (workers log meanwhile). */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 240_000,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

/**
 * A temporary home (its path is added to `made`, for the test to remove): the datasets folder of
 * `from` copied (same content hashes, nothing to build), or a fresh datasets folder with `catalog`.
 */
export function tempHome(made: string[], catalog: string, from?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-dist-'));
  made.push(dir);
  if (from !== undefined) fs.cpSync(path.join(from, 'datasets'), path.join(dir, 'datasets'), { recursive: true });
  else {
    fs.mkdirSync(path.join(dir, 'datasets'));
    fs.writeFileSync(path.join(dir, 'datasets', 'catalog.yaml'), catalog);
  }
  return dir;
}

/**
 * What the Redis tests give a coordinator run in the test's own process: the L5 bench play on the
 * bench's 140k-bar feeds (multi-timeframe features: a job of a few hundred plays takes seconds, so a
 * worker still holds it when the test acts), shared as dataset `name`, and the functions to drive it.
 * Imported when called: the suites skip without redis-server.
 */
export async function l5RemoteFixture(name: string) {
  const { LEVELS, levelPlayText } = await import('../../src/forge/bench/levels.js');
  const { benchFeeds } = await import('../../src/forge/bench/dataset.js');
  const { evalJob, randomGenomes } = await import('../../src/forge/bench/pool-run.js');
  const { contentHash } = await import('../../src/forge/datasets/manifest.js');
  const { shareFeeds } = await import('../../src/forge/shared/columns.js');
  const { remoteEvaluationPool } = await import('../../src/forge/distributed/coordinator.js');
  const { parseRedisUrl } = await import('../../src/forge/distributed/connection.js');
  const play = levelPlayText(LEVELS.find((l) => l.id === 'L5')!);
  const feeds = benchFeeds();
  const hash = contentHash(Object.values(feeds).map((f) => ({ tf: f.tf, columns: f })));
  return {
    play,
    shared: shareFeeds(name, hash, feeds),
    job: evalJob(play, 'L5.yaml', feeds['15m'], 0.2, 32 * 1024 * 1024),
    randomGenomes,
    remoteEvaluationPool,
    parseRedisUrl,
  };
}

/** Polls `cond` every 20 ms until it holds; fails naming `what` after timeoutMs. */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A run dataset and one regime of the same symbol (validate's regime guard reads it through Redis too). */
export const DIST_CATALOG = `datasets:
  - name: DIST_15M
    symbol: DISTUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-01-01
    to: 2021-04-01
    regime: cycle
  - name: DIST_BULL
    symbol: DISTUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-04-01
    to: 2021-06-01
    regime: bull
`;
/** A small walk-forward on DIST_15M (4 windows; pass --home and more), and validate's settings. */
export const DIST_WALKFORWARD = [
  'walkforward',
  '--dataset',
  'DIST_15M',
  '--play',
  path.join(REPO, 'configs/plays/default.yaml'),
  ...'--train 30d --test 15d --pop 8 --generations 3 --seed 5 --min-trades 1 --synthetic'.split(' '),
];
export const DIST_VALIDATE = '--top 2 --permutations 100 --bootstrap 200 --seed 11'.split(' ');
