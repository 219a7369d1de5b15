import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import {
  DIST_CATALOG,
  DIST_VALIDATE,
  DIST_WALKFORWARD,
  freePort,
  NO_REDIS_REASON,
  REDIS_SERVER,
  runCli,
  startRedis,
  startWorker,
  tempHome,
  waitUntil,
  type RedisServer,
  type WorkerProcess,
} from '../../helpers/redis.js';

// `forge walkforward --redis` and `forge validate --redis` keep no checkpoint, so unlike evolve they do
// not wait for a Redis that went away: within a bound they stop with exit 1, an error naming the URL
// and the cause, the command that runs them again, and none of their result files written. Real
// redis-server (killed with SIGKILL mid-run), real forge processes. No worker is started for the
// mid-run cases: the jobs sit on the queue, so the command is certainly waiting on Redis when it dies.
// The bound is generous for a loaded 2-core machine (the command gives up after 10 s without Redis);
// what it guards against is waiting without end, which is what both commands did before.
const BOUND_MS = 60_000;

const PLAY = path.join(REPO, 'configs/plays/default.yaml');
const CATALOG = DIST_CATALOG;
const WALKFORWARD = DIST_WALKFORWARD;
const VALIDATE = DIST_VALIDATE;
const homes: string[] = [];
const servers: RedisServer[] = [];
const workers: WorkerProcess[] = [];

interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the CLI; a process still running after BOUND_MS from `startClock()` is killed and fails the test. */
function bounded(args: readonly string[]) {
  const c = runCli(args);
  let said = '';
  c.child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  let t0 = Date.now();
  return {
    said: () => said,
    kill: (signal: NodeJS.Signals) => c.child.kill(signal),
    startClock: () => (t0 = Date.now()),
    async ended(): Promise<Ended> {
      const left = Math.max(0, BOUND_MS - (Date.now() - t0));
      const r = await Promise.race([c.done, new Promise<null>((res) => setTimeout(() => res(null), left))]);
      if (r === null) c.child.kill('SIGKILL'); // a failed test must not leave the process behind
      expect(r, `${args[0]} did not stop within ${BOUND_MS / 1000} s; it said:\n${said}`).not.toBeNull();
      return { ...r!, ms: Date.now() - t0 };
    },
  };
}

/** Waits until the command has put jobs on its queue (named in its "no worker is connected" line). */
async function jobsQueued(redis: RedisServer, said: () => string): Promise<void> {
  const client = new Redis(redis.port, '127.0.0.1');
  try {
    await waitUntil(async () => {
      const queue = /\(queue (run-[0-9a-f]{16})\)/.exec(said())?.[1];
      return queue !== undefined && (await client.llen(`forge:${queue}:wait`)) > 0;
    }, 'jobs on the queue');
  } finally {
    client.disconnect();
  }
}

/** Runs the command until its jobs are queued, kills Redis (SIGKILL), and expects exit 1 within the bound. */
async function killedMidRun(redis: RedisServer, args: readonly string[]): Promise<Ended> {
  const c = bounded(args);
  await jobsQueued(redis, c.said);
  await redis.kill();
  c.startClock();
  const r = await c.ended();
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/internal error/);
  return r;
}

/** The command line as the CLI says it to run again (the test's paths need no quoting). */
const commandOf = (args: readonly string[]) => ['forge', ...args].join(' ');

describe.skipIf(REDIS_SERVER === null)(
  `walkforward and validate with Redis unreachable or killed mid-run (real redis-server, real forge processes)${REDIS_SERVER === null ? `: SKIPPED, ${NO_REDIS_REASON}` : ''}`,
  () => {
    let refHome: string;
    let runId: string;
    let reference: { walkforward: string; equity: string };

    beforeAll(async () => {
      if (!fs.existsSync(path.join(REPO, 'dist/cli/main.js')))
        throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
      refHome = tempHome(homes, CATALOG);
      // The local walk-forward, for the rerun after Redis is back; an evolve run to validate.
      const wf = await runCli([...WALKFORWARD, '--workers', '1', '--home', refHome, '--json']).done;
      expect(wf.code, wf.stderr).toBe(0);
      const { runDir } = JSON.parse(wf.stdout) as { runDir: string };
      const read = (f: string) => fs.readFileSync(path.join(runDir, f), 'utf8');
      reference = { walkforward: read('walkforward.json'), equity: read('equity.csv') };
      const evolve = await runCli([
        'evolve',
        '--dataset',
        'DIST_15M',
        '--play',
        PLAY,
        ...'--pop 16 --generations 2 --seed 7 --min-trades 3 --workers 1 --synthetic --json'.split(' '),
        '--home',
        refHome,
      ]).done;
      expect(evolve.code, evolve.stderr).toBe(0);
      runId = (JSON.parse(evolve.stdout) as { runId: string }).runId;
    }, 240_000);

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(servers.map((s) => s.stop()));
      for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
    });

    /** The files a finished walk-forward writes, in every run folder of `home`. */
    const walkforwardResults = (home: string) =>
      fs
        .readdirSync(path.join(home, 'runs'))
        .flatMap((id) => ['walkforward.json', 'equity.csv'].map((f) => path.join(home, 'runs', id, f)))
        .filter((f) => fs.existsSync(f));

    it('unreachable from the start: both exit 1 within the bound, naming the URL and the cause; walkforward says the command to run again', async () => {
      // Nothing listens there. The password is never printed: the URL and the command show it as ***.
      const port = await freePort();
      const url = `redis://:s3cret@127.0.0.1:${port}`;
      const shown = `redis://:***@127.0.0.1:${port}`;
      const wfHome = tempHome(homes, CATALOG, refHome);
      const wfArgs = [...WALKFORWARD, '--redis', url, '--home', wfHome];
      const vaArgs = ['validate', runId, ...VALIDATE, '--redis', url, '--home', refHome];
      const [wf, va] = await Promise.all([bounded(wfArgs).ended(), bounded(vaArgs).ended()]);
      for (const r of [wf, va]) {
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.stderr).not.toContain('s3cret');
        expect(r.stderr).toContain(
          `error: Redis at ${shown} did not answer within 10 s (connect ECONNREFUSED 127.0.0.1:${port})`,
        );
      }
      const hidden = (args: string[]) => commandOf(args.map((a) => (a === url ? `'${shown}'` : a)));
      expect(wf.stderr).toContain(`then run it again: ${hidden(wfArgs)}\n`);
      expect(va.stderr).toContain(`then run it again: ${hidden(vaArgs)}\n`);
      expect(walkforwardResults(wfHome)).toEqual([]);
      expect(fs.existsSync(path.join(refHome, 'runs', runId, 'validation.json'))).toBe(false);
    }, 180_000);

    it('walkforward --redis with Redis killed mid-run: exit 1 within the bound, the cause and the exact command; rerun, it gives the local result', async () => {
      const redis = await startRedis();
      servers.push(redis);
      const dir = tempHome(homes, CATALOG, refHome);
      const args = [...WALKFORWARD, '--redis', redis.url, '--home', dir];
      const r = await killedMidRun(redis, args);
      expect(r.stderr).toMatch(
        new RegExp(
          `error: Redis at ${redis.url} has not answered for 10 s \\((connect ECONNREFUSED|Connection is closed|read ECONNRESET)[^)]*\\): ` +
            'stopped with \\d+ of \\d+ jobs unanswered',
        ),
      );
      expect(r.stderr).toContain(`then run it again: ${commandOf(args)}\n`);
      expect(walkforwardResults(dir)).toEqual([]);

      // Redis back, a worker, and the very same command: the run lock was released, the result is the local one.
      await redis.restart();
      const w = startWorker(redis.url, ['--home', tempHome(homes, CATALOG)]);
      workers.push(w);
      const again = await runCli([...args, '--json']).done;
      expect(again.code, again.stderr).toBe(0);
      const { runDir } = JSON.parse(again.stdout) as { runDir: string };
      const read = (f: string) => fs.readFileSync(path.join(runDir, f), 'utf8');
      expect({ walkforward: read('walkforward.json'), equity: read('equity.csv') }).toEqual(reference);
      await w.stop();
    }, 300_000);

    it('walkforward --redis stopped with SIGTERM while Redis is down: exit 143 as a stop, the cause and the command; no result', async () => {
      const redis = await startRedis();
      servers.push(redis);
      const dir = tempHome(homes, CATALOG, refHome);
      const args = [...WALKFORWARD, '--redis', redis.url, '--home', dir];
      const c = bounded(args);
      await jobsQueued(redis, c.said);
      await redis.kill();
      c.startClock();
      c.kill('SIGTERM');
      const r = await c.ended();
      // Stopped by its user, not failed by Redis: the exit code says so, as evolve's does.
      expect(r.code, r.stderr).toBe(143);
      expect(r.stderr).toMatch(new RegExp(`error: .*Redis at ${redis.url}`));
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).toContain(`then run it again: ${commandOf(args)}\n`);
      expect(walkforwardResults(dir)).toEqual([]);
    }, 240_000);

    it('walkforward --redis rides out a Redis restart shorter than its 10 s: the local result', async () => {
      const redis = await startRedis();
      servers.push(redis);
      const w = startWorker(redis.url, ['--home', tempHome(homes, CATALOG)]);
      workers.push(w);
      const dir = tempHome(homes, CATALOG, refHome);
      const c = runCli([...WALKFORWARD, '--redis', redis.url, '--home', dir, '--json']);
      // Mid-run: the worker is evaluating (its dataset line comes from inside its first job).
      await waitUntil(() => /hash verified/.test(w.log()), 'the worker evaluating');
      await redis.restart();
      const r = await c.done;
      expect(r.code, r.stderr).toBe(0);
      const { runDir } = JSON.parse(r.stdout) as { runDir: string };
      const read = (f: string) => fs.readFileSync(path.join(runDir, f), 'utf8');
      expect({ walkforward: read('walkforward.json'), equity: read('equity.csv') }).toEqual(reference);
      await w.stop();
    }, 300_000);

    it('validate --redis rides out a Redis restart while its worker is mid-job: the local validation.json', async () => {
      const copy = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-dist-'));
        homes.push(dir);
        fs.cpSync(refHome, dir, { recursive: true });
        return dir;
      };
      const [localHome, remoteHome] = [copy(), copy()];
      const local = await runCli(['validate', runId, ...VALIDATE, '--workers', '1', '--home', localHome]).done;
      expect(local.code, local.stderr).toBe(0);
      const redis = await startRedis();
      servers.push(redis);
      const w = startWorker(redis.url, ['--home', tempHome(homes, CATALOG)]);
      workers.push(w);
      const c = runCli(['validate', runId, ...VALIDATE, '--redis', redis.url, '--home', remoteHome]);
      await waitUntil(() => /hash verified/.test(w.log()), 'the worker evaluating');
      await redis.restart();
      const r = await c.done;
      expect(r.code, r.stderr).toBe(0);
      // The two homes differ in name only, which the file quotes in its paths.
      const read = (home: string) =>
        fs
          .readFileSync(path.join(home, 'runs', runId, 'validation.json'), 'utf8')
          .split(home)
          .join('<home>');
      expect(read(remoteHome)).toBe(read(localHome));
      await w.stop();
    }, 300_000);

    it('validate --redis with Redis killed mid-run: exit 1 within the bound, the cause and the command; no validation.json', async () => {
      const redis = await startRedis();
      servers.push(redis);
      const args = ['validate', runId, ...VALIDATE, '--redis', redis.url, '--home', refHome];
      const r = await killedMidRun(redis, args);
      expect(r.stderr).toMatch(new RegExp(`error: Redis at ${redis.url} has not answered for 10 s \\(.+\\): stopped`));
      expect(r.stderr).toContain(`then run it again: ${commandOf(args)}\n`);
      expect(fs.existsSync(path.join(refHome, 'runs', runId, 'validation.json'))).toBe(false);
    }, 240_000);
  },
);
