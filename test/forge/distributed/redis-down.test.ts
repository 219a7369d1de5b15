import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG, REPO } from '../../helpers/cli.js';
import {
  l5RemoteFixture,
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

// Asked to stop while Redis is down, a worker and a coordinator must end within a bound (every
// Redis command otherwise waits for Redis to come back, forever), saying what they left behind.
// Real redis-server killed with SIGKILL, real `forge worker` and `forge evolve` processes. The bounds
// are generous for a loaded 2-core machine; what they guard against is waiting without end. 60 s: the
// coordinator's stop ends with the store's final sync in a child process (DuckDB loaded there, ~0.4 s
// CPU on a quiet machine), and with the whole suite running beside it one stop took over 20 s.
const STOP_BOUND_MS = 60_000;

const PLAY = path.join(REPO, 'configs/plays/default.yaml');
// Enough generations that the run is still going when Redis is killed after its first checkpoint.
const ARGS = ['evolve', '--dataset', 'TEST_SMALL', '--play', PLAY, '--synthetic'].concat(
  '--pop 16 --generations 60 --seed 11 --min-trades 1'.split(' '),
);
const homes: string[] = [];
const servers: RedisServer[] = [];
const workers: WorkerProcess[] = [];

/** Exit code and signal of a child, or 'still running' after ms. */
function exitWithin(child: WorkerProcess['child'], ms: number): Promise<number | string | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

describe.skipIf(REDIS_SERVER === null)(
  `stopping while Redis is down (real redis-server, real forge processes)${REDIS_SERVER === null ? `: SKIPPED, ${NO_REDIS_REASON}` : ''}`,
  () => {
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(servers.map((s) => s.stop()));
      for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
    });

    it('a worker holding a job stops within the bound on SIGTERM, naming the job left for stalled-job recovery; so does the coordinator', async () => {
      if (!fs.existsSync(path.join(REPO, 'dist/cli/main.js')))
        throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
      // L5 plays (multi-timeframe features on 140k bars): one job of 400 takes seconds even on a quiet
      // core, so the worker still holds it when Redis is killed.
      const { play, shared, job, randomGenomes, remoteEvaluationPool, parseRedisUrl } =
        await l5RemoteFixture('DOWN_L5');
      const redis = await startRedis();
      servers.push(redis);
      const w = startWorker(redis.url, ['--home', tempHome(homes, CATALOG), '--name', 'holder', '--lock', '5s']);
      workers.push(w);
      let stop = false;
      const logged: string[] = [];
      const remote = await remoteEvaluationPool({
        target: parseRedisUrl(redis.url),
        runId: 'dead0000000000d1',
        job,
        datasets: [shared],
        log: (m) => logged.push(m),
        resumeHint: 'forge evolve --resume dead0000000000d1 --redis URL',
        stopRequested: () => stop,
        // One job for the one worker.
        jobsPerWorker: 1,
        minJobShare: 1,
      });
      const client = new Redis(redis.port, '127.0.0.1');
      try {
        const mapped = remote.map(randomGenomes(play, 400, 'redis-down')).then(
          () => 'answered',
          (err: Error & { code?: string; fix?: string }) => err,
        );
        await waitUntil(async () => (await client.llen('forge:run-dead0000000000d1:active')) > 0, 'an active job');
        // Active in Redis is not yet in hand: BullMQ moves the job before the worker's processor starts.
        // Its dataset line comes from inside the processor, once the job's evaluations are about to run.
        await waitUntil(() => /hash verified/.test(w.log()), 'the worker evaluating its job');
        client.disconnect();
        await redis.kill();

        w.child.kill('SIGTERM');
        expect(await exitWithin(w.child, STOP_BOUND_MS), w.log()).toBe(0);
        expect(w.log()).toMatch(
          /Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable .*; stopping without it: job a\d+-g0-b0 of run-dead0000000000d1 left unanswered for BullMQ's stalled-job recovery/,
        );
        expect(w.log()).toMatch(/worker stopped: 0 jobs, 0 evaluations; Redis was unreachable, 1 job left/);

        // The coordinator, asked to stop, gives up on the generation and names the resume command.
        stop = true;
        const err = await Promise.race([
          mapped,
          new Promise((r) => setTimeout(() => r('still waiting'), STOP_BOUND_MS)),
        ]);
        expect(err).toBeInstanceOf(Error);
        const e = err as Error & { code?: string; fix?: string };
        expect(e.code).toBe('E_REDIS_UNREACHABLE');
        expect(e.message).toMatch(/stopped with Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable .*: 1 of 1 jobs/);
        expect(e.fix).toBe('start Redis, then continue: forge evolve --resume dead0000000000d1 --redis URL');
        expect(logged.join('\n')).toMatch(/has not answered for \d+ s .*; waiting for it/);
        const t2 = Date.now();
        await remote.close();
        expect(Date.now() - t2).toBeLessThan(STOP_BOUND_MS);
      } finally {
        client.disconnect();
      }
    }, 300_000);

    it('forge evolve --redis on SIGTERM with Redis down exits as a stop does, with the exact --resume command; resumed, it ends with the local result', async () => {
      const redis = await startRedis();
      servers.push(redis);
      const refHome = tempHome(homes, CATALOG);
      const ref = await runCli([...ARGS, '--workers', '1', '--home', refHome, '--json']).done;
      expect(ref.code, ref.stderr).toBe(0);
      const { runId, runDir } = JSON.parse(ref.stdout) as { runId: string; runDir: string };
      const read = (dir: string) => ({
        hof: fs.readFileSync(path.join(dir, 'hall_of_fame.json'), 'utf8'),
        stats: fs.readFileSync(path.join(dir, 'generations.json'), 'utf8'),
      });

      const dir = tempHome(homes, CATALOG, refHome);
      const w = startWorker(redis.url, ['--home', tempHome(homes, CATALOG), '--lock', '2s']);
      workers.push(w);
      const c = runCli([...ARGS, '--home', dir, '--redis', redis.url]);
      let said = '';
      c.child.stderr!.on('data', (d: Buffer) => {
        said += d.toString();
      });
      const checkpoint = path.join(dir, 'runs', runId, 'checkpoint.json');
      await waitUntil(() => fs.existsSync(checkpoint), 'the first checkpoint');
      await redis.kill();
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      c.child.kill('SIGTERM');
      const r = await Promise.race([c.done, new Promise<null>((res) => setTimeout(() => res(null), STOP_BOUND_MS))]);
      if (r === null) c.child.kill('SIGKILL'); // a failed run must not leave the process behind
      expect(r, `the coordinator did not stop within the bound; it said:\n${said}`).not.toBeNull();
      expect(r!.code, r!.stderr).toBe(143);
      expect(r!.stderr).toMatch(/stopped with Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable/);
      expect(r!.stderr).toContain(
        `fix: start Redis, then continue: forge evolve --resume ${runId} --redis ${redis.url}`,
      );
      expect(Date.now() - t0).toBeLessThan(STOP_BOUND_MS);

      // The worker too, then Redis back (empty: nothing was saved) and the run resumed.
      w.child.kill('SIGTERM');
      expect(await exitWithin(w.child, STOP_BOUND_MS), w.log()).toBe(0);
      await redis.restart();
      const w2 = startWorker(redis.url, ['--home', tempHome(homes, CATALOG), '--lock', '2s']);
      workers.push(w2);
      const resumed = await runCli(['evolve', '--resume', runId, '--home', dir, '--redis', redis.url, '--json']).done;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(read(path.join(dir, 'runs', runId))).toEqual(read(runDir));
    }, 400_000);
  },
);
