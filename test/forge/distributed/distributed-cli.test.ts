import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, REPO } from '../../helpers/cli.js';
import {
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

// Distributed evaluation end to end: a real redis-server on a free loopback port, real `forge worker`
// processes and the real CLI as coordinator. The reference is a local run (--workers 1, no Redis) of
// the same config and seed: the distributed runs must write byte-identical hall_of_fame.json and
// generations.json, whatever happens to the workers, the coordinator or Redis on the way.

const PLAY = path.join(REPO, 'configs/plays/default.yaml');
const SMALL = '--pop 12 --generations 5 --seed 7 --min-trades 1'.split(' ');
const ARGS = ['evolve', '--dataset', 'TEST_SMALL', '--play', PLAY, ...SMALL, '--synthetic'];
const homes: string[] = [];

const home = (withDatasetsFrom?: string): string => tempHome(homes, CATALOG, withDatasetsFrom);

const artefacts = (runDir: string) => ({
  hof: fs.readFileSync(path.join(runDir, 'hall_of_fame.json'), 'utf8'),
  stats: fs.readFileSync(path.join(runDir, 'generations.json'), 'utf8'),
});

/** Generations the run in `dir` has checkpointed (0 before the first). */
function checkpointed(dir: string, runId: string): number {
  try {
    return (
      JSON.parse(fs.readFileSync(path.join(dir, 'runs', runId, 'checkpoint.json'), 'utf8')) as {
        state: { generation: number };
      }
    ).state.generation;
  } catch {
    return 0;
  }
}

describe.skipIf(REDIS_SERVER === null)(
  `distributed evaluation (real redis-server, real forge worker processes)${REDIS_SERVER === null ? `: SKIPPED, ${NO_REDIS_REASON}` : ''}`,
  () => {
    let redis: RedisServer;
    let refHome: string;
    let reference: ReturnType<typeof artefacts>;
    let runId: string;
    const workers: WorkerProcess[] = [];
    const worker = (args: string[] = []) => {
      const w = startWorker(redis.url, ['--home', home(), '--lock', '2s', ...args]);
      workers.push(w);
      return w;
    };

    beforeAll(async () => {
      if (!fs.existsSync(path.join(REPO, 'dist/cli/main.js')))
        throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
      redis = await startRedis();
      refHome = home();
      const r = await runCli([...ARGS, '--workers', '1', '--home', refHome, '--json']).done;
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { runId: string; runDir: string };
      runId = out.runId;
      reference = artefacts(out.runDir);
    }, 180_000);

    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    });

    afterAll(async () => {
      await redis?.stop();
      for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
    });

    async function distributed(dir: string, extra: string[] = [], during?: (dir: string) => Promise<void>) {
      const c = runCli([...ARGS, '--home', dir, '--redis', redis.url, '--json', ...extra]);
      if (during) await during(dir);
      const r = await c.done;
      return { ...r, out: r.code === 0 ? (JSON.parse(r.stdout) as { runDir: string; runId: string }) : null };
    }

    it('gives the local answer byte for byte with one worker, and with a second joining mid-run; workers write nothing of the run', async () => {
      const w1 = worker();
      const w1Home = homes[homes.length - 1];
      const one = await distributed(home(refHome));
      expect(one.code, one.stderr).toBe(0);
      expect(artefacts(one.out!.runDir)).toEqual(reference);
      expect(w1.log()).toMatch(/dataset TEST_SMALL \([0-9a-f]{12}\) from Redis, hash verified/);
      expect(one.stderr).toMatch(/workers: 1 connected: /);

      // The second worker has the dataset in its own home (same content hash): it reads it from there.
      const w2 = startWorker(redis.url, ['--home', refHome, '--lock', '2s', '--name', 'late']);
      workers.push(w2);
      const joined = await distributed(home(refHome), [], async (dir) => {
        await waitUntil(() => checkpointed(dir, runId) >= 1, 'generation 1');
      });
      expect(joined.code, joined.stderr).toBe(0);
      expect(artefacts(joined.out!.runDir)).toEqual(reference);
      expect(w2.log()).toMatch(/from this home, hash verified/);
      // Workers only answer jobs: nothing of a run, and no store, in a worker's home.
      expect(fs.readdirSync(w1Home).sort()).toEqual(['datasets']);
      expect(fs.existsSync(path.join(refHome, 'runs', runId, 'checkpoint.json'))).toBe(true);
      expect(fs.readdirSync(path.join(w1Home, 'datasets'))).toEqual(['catalog.yaml']);
    }, 300_000);

    it('hands the batch of a worker killed with SIGKILL mid-batch to another worker (stalled job) and ends with the uninterrupted result', async () => {
      const victim = worker(['--name', 'victim']);
      const client = new Redis(redis.port, '127.0.0.1');
      try {
        const r = await distributed(home(refHome), [], async () => {
          // Killed while it holds a job: the job stays active with a lock nobody renews.
          await waitUntil(async () => (await client.llen(`forge:run-${runId}:active`)) > 0, 'an active job');
          await victim.stop('SIGKILL');
          worker(['--name', 'rescuer']);
        });
        expect(r.code, r.stderr).toBe(0);
        expect(artefacts(r.out!.runDir)).toEqual(reference);
      } finally {
        client.disconnect();
      }
    }, 300_000);

    it('with no worker connected says so and waits, and --max-wall ends the wait with the resume command', async () => {
      // A worker SIGKILLed by an earlier test stays listed until its heartbeat expires (5 s).
      const client = new Redis(redis.port, '127.0.0.1');
      try {
        await waitUntil(async () => (await client.keys('forge:worker:*')).length === 0, 'no live worker');
      } finally {
        client.disconnect();
      }
      const t0 = Date.now();
      const r = await distributed(home(refHome), ['--max-wall', '10s']);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(
        /no worker is connected to redis:\/\/127\.0\.0\.1:\d+ \(queue run-[0-9a-f]{16}\); waiting/,
      );
      expect(r.stderr).toMatch(/time budget \(--max-wall\) ran out/);
      expect(r.stderr).toMatch(new RegExp(`forge evolve --resume ${runId} --redis`));
      expect(Date.now() - t0).toBeLessThan(60_000);
    }, 120_000);

    it('survives a Redis restart mid-run (nothing saved: jobs and datasets are put back) with the uninterrupted result', async () => {
      worker();
      const r = await distributed(home(refHome), [], async (dir) => {
        await waitUntil(() => checkpointed(dir, runId) >= 2, 'generation 2');
        await redis.restart();
      });
      expect(r.code, r.stderr).toBe(0);
      expect(artefacts(r.out!.runDir)).toEqual(reference);
    }, 300_000);

    it('resumes a coordinator killed with SIGKILL from its checkpoint, ignoring the jobs of the killed attempt', async () => {
      const dir = home(refHome);
      const client = new Redis(redis.port, '127.0.0.1');
      try {
        const first = worker();
        const c = runCli([...ARGS, '--home', dir, '--redis', redis.url]);
        await waitUntil(() => checkpointed(dir, runId) >= 2, 'generation 2');
        // The worker first, so the killed coordinator's last jobs stay on the queue, unanswered.
        await first.stop('SIGKILL');
        c.child.kill('SIGKILL');
        await c.done;
        const key = (k: string) => `forge:run-${runId}:${k}`;
        const stale = [...(await client.lrange(key('wait'), 0, -1)), ...(await client.lrange(key('active'), 0, -1))];
        worker();
        const r = await runCli(['evolve', '--resume', runId, '--home', dir, '--redis', redis.url, '--json']).done;
        expect(r.code, r.stderr).toBe(0);
        expect(artefacts(path.join(dir, 'runs', runId))).toEqual(reference);
        for (const id of stale) expect(await client.exists(key(id))).toBe(0);
      } finally {
        client.disconnect();
      }
    }, 300_000);

    it('records a play that throws in a worker as failed, exactly as the local pool records it', async () => {
      const { loadSharedDataset } = await import('../../../src/forge/datasets/load-shared.js');
      const { forgeHome } = await import('../../../src/forge/home.js');
      const { evaluationPool } = await import('../../../src/forge/eval/pool.js');
      const { remoteEvaluationPool } = await import('../../../src/forge/distributed/coordinator.js');
      const { parseRedisUrl } = await import('../../../src/forge/distributed/connection.js');
      const { encodeRecords } = await import('../../../src/forge/distributed/wire.js');
      const { defaultGenome, parsePlay } = await import('../../../src/engine/play/index.js');
      const playText = fs.readFileSync(PLAY, 'utf8');
      const { shared, manifest } = await loadSharedDataset(forgeHome(refHome), 'TEST_SMALL');
      const window: [number, number] = [manifest.window.fromMs, manifest.window.toMs];
      const job = {
        playText,
        playFile: PLAY,
        cash: 10_000,
        inSample: window,
        outOfSample: null,
        fitness: { objective: 'sharpe' as const, minTrades: 1, maxDrawdown: 0.6 },
        cacheBytes: 1 << 24,
      };
      const good = defaultGenome(parsePlay(playText, PLAY).genes);
      // A genome of the wrong length makes resolvePlay throw inside the evaluation.
      const items = [good, [1, 2, 3], good.map((g, i) => (i === 0 ? g + 1 : g))];
      const local = evaluationPool(job, shared, [], { workers: 1 });
      const expected = (await local.map(items)).flatMap((b) => b.records);
      await local.close();
      worker();
      const remote = await remoteEvaluationPool({
        target: parseRedisUrl(redis.url),
        runId: 'feedfacefeedface',
        job,
        datasets: [shared],
        log: () => {},
      });
      try {
        const got = (await remote.map(items)).flatMap((b) => b.records);
        expect(got[1].error).toMatch(/gene/i);
        expect(got[1].fitness).toBe(-1e6);
        expect(encodeRecords(got)).toBe(encodeRecords(expected));
      } finally {
        await remote.close();
      }
    }, 120_000);

    it('refuses, loudly, a dataset whose bytes in Redis do not match its content hash', async () => {
      const client = new Redis(redis.port, '127.0.0.1');
      const hash = JSON.parse(fs.readFileSync(path.join(refHome, 'runs', runId, 'config.json'), 'utf8')).dataset
        .hash as string;
      try {
        // A damaged copy under the right hash: one price changed.
        const { loadSharedDataset } = await import('../../../src/forge/datasets/load-shared.js');
        const { forgeHome } = await import('../../../src/forge/home.js');
        const { publishDataset } = await import('../../../src/forge/distributed/dataset-transfer.js');
        const loaded = await loadSharedDataset(forgeHome(refHome), 'TEST_SMALL');
        new Float64Array(loaded.shared.timeframes[0].buffers.close)[100] += 1;
        await client.del(`forge:dataset:${hash}`);
        await publishDataset(client, loaded.shared);
        const w = worker();
        const r = await distributed(home(refHome));
        expect(r.code).not.toBe(0);
        expect(w.log()).toMatch(
          new RegExp(
            `REFUSED dataset TEST_SMALL: the bytes from Redis hash to [0-9a-f]{12}, the job expects ${hash.slice(0, 12)}`,
          ),
        );
        expect(r.stderr).toMatch(/all \d+ evaluations failed: .*REFUSED dataset TEST_SMALL/);
      } finally {
        await client.del(`forge:dataset:${hash}`);
        client.disconnect();
      }
    }, 300_000);
  },
);
