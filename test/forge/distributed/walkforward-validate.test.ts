import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/cli.js';
import {
  DIST_CATALOG,
  DIST_VALIDATE,
  DIST_WALKFORWARD,
  NO_REDIS_REASON,
  REDIS_SERVER,
  runCli,
  startRedis,
  startWorker,
  tempHome,
  type RedisServer,
  type WorkerProcess,
} from '../../helpers/redis.js';

// `forge walkforward --redis` and `forge validate --redis` end to end: a real redis-server, two real
// `forge worker` processes (one with the datasets in its home, one taking them from Redis) and the
// real CLI. The reference is the same command run locally with --workers 1: the files it writes
// (walkforward.json and equity.csv; validation.json) must be byte-identical.

const PLAY = path.join(REPO, 'configs/plays/default.yaml');
const CATALOG = DIST_CATALOG;
const WALKFORWARD = DIST_WALKFORWARD;
const VALIDATE = DIST_VALIDATE;
const homes: string[] = [];

const home = (withDatasetsFrom?: string): string => tempHome(homes, CATALOG, withDatasetsFrom);

async function cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli(args).done;
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe.skipIf(REDIS_SERVER === null)(
  `walkforward and validate through Redis (real redis-server, real forge worker processes)${REDIS_SERVER === null ? `: SKIPPED, ${NO_REDIS_REASON}` : ''}`,
  () => {
    let redis: RedisServer;
    let refHome: string;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      if (!fs.existsSync(path.join(REPO, 'dist/cli/main.js')))
        throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
      redis = await startRedis();
      refHome = home();
      await cli(['datasets', 'build', 'DIST_BULL', '--synthetic', '--quiet', '--home', refHome]);
    }, 180_000);

    const twoWorkers = (oneHasData = true) => {
      // One finds the datasets in its own home, the other takes them from Redis (hash verified). Which
      // worker takes which job is up to the queue, so a test that must see a fetch gives both empty homes
      // (the names stay: the coordinator counts workers by name, and the last test's are still listed).
      workers.push(startWorker(redis.url, ['--home', oneHasData ? refHome : home(), '--name', 'has-data']));
      workers.push(startWorker(redis.url, ['--home', home(), '--name', 'no-data']));
    };

    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    });

    afterAll(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await redis?.stop();
      for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
    });

    it('walkforward --redis writes the local run’s walkforward.json and equity.csv byte for byte', async () => {
      const local = JSON.parse((await cli([...WALKFORWARD, '--workers', '1', '--home', refHome, '--json'])).stdout);
      const files = (runDir: string) =>
        ['walkforward.json', 'equity.csv'].map((f) => fs.readFileSync(path.join(runDir, f), 'utf8'));
      const reference = files(local.runDir);
      expect(local.windows.length).toBeGreaterThan(2);

      twoWorkers();
      const dir = home(refHome);
      const r = await cli([...WALKFORWARD, '--redis', redis.url, '--home', dir, '--json']);
      const remote = JSON.parse(r.stdout);
      expect(remote.runId).toBe(local.runId);
      expect(files(remote.runDir)).toEqual(reference);
      expect(r.stderr).toMatch(/workers: 2 connected: has-data \(1 thread, \d+ evals\/s\), no-data/);
      // Both workers answered jobs of this run.
      for (const w of workers) expect(w.log()).toMatch(/joined run-/);
      expect(workers[1].log()).toMatch(/dataset DIST_15M \([0-9a-f]{12}\) from Redis, hash verified/);
    }, 300_000);

    it('validate --redis gives the local verdicts: validation.json byte for byte', async () => {
      const evolved = JSON.parse(
        (
          await cli([
            'evolve',
            '--dataset',
            'DIST_15M',
            '--play',
            PLAY,
            ...'--pop 16 --generations 3 --seed 7 --min-trades 3 --workers 1 --synthetic --json'.split(' '),
            '--home',
            refHome,
          ])
        ).stdout,
      );
      const validation = path.join(refHome, 'runs', evolved.runId, 'validation.json');
      await cli(['validate', evolved.runId, ...VALIDATE, '--workers', '1', '--home', refHome]);
      const reference = fs.readFileSync(validation, 'utf8');
      fs.rmSync(validation);
      const doc = JSON.parse(reference);
      expect(doc.regimes.used.map((u: { name: string }) => u.name)).toEqual(['DIST_BULL']);

      // Neither worker holds the datasets: the regime guard's job, whichever worker takes it, must fetch
      // DIST_BULL through Redis (with one holding them, the queue once gave it every such job).
      twoWorkers(false);
      const r = await cli(['validate', evolved.runId, ...VALIDATE, '--redis', redis.url, '--home', refHome]);
      expect(fs.readFileSync(validation, 'utf8')).toBe(reference);
      expect(r.stderr).toMatch(/workers: 2 connected/);
      const fetched = /dataset DIST_BULL \([0-9a-f]{12}\) from Redis, hash verified/;
      expect(workers.map((w) => w.log()).join('\n')).toMatch(fetched);
    }, 300_000);
  },
);
