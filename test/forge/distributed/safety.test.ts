import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../../src/forge/distributed/connection.js';
import { decodeRecords, encodeRecords, validateJobData } from '../../../src/forge/distributed/wire.js';
import type { EvalRecord } from '../../../src/forge/eval/evaluator.js';
import { freshHome, REPO } from '../../helpers/cli.js';
import * as rs from '../../helpers/redis.js';

// What crosses Redis and who may connect: passwords and ACL users in the URL, TLS (rediss://), jobs
// that carry data only and are validated before use, records that arrive bit-identical.

const PLAY = path.join(REPO, 'configs/plays/default.yaml');
const GOOD_JOB = {
  kind: 'eval',
  runId: '0123456789abcdef',
  attempt: 1,
  call: 0,
  batch: 0,
  job: {
    playText: 'x',
    playFile: 'p.yaml',
    cash: 10_000,
    inSample: [0, 10],
    outOfSample: null,
    fitness: { objective: 'sharpe', minTrades: 1, maxDrawdown: 0.6 },
    cacheBytes: 1024,
  },
  datasets: [{ name: 'TEST_SMALL', hash: 'a'.repeat(64) }],
  items: [[1, 2, 3]],
};

describe('Redis URLs', () => {
  it('takes user, password, database and TLS from the URL and never shows the password', () => {
    const t = parseRedisUrl('rediss://alice:s%40cret@redis.example.com:6380/2');
    expect(t.options).toMatchObject({
      host: 'redis.example.com',
      port: 6380,
      db: 2,
      username: 'alice',
      password: 's@cret',
      tls: { servername: 'redis.example.com' },
    });
    expect(t.display).toBe('rediss://alice:***@redis.example.com:6380/2');
    expect(parseRedisUrl('redis://:pw@10.0.0.5').options).toMatchObject({
      host: '10.0.0.5',
      port: 6379,
      db: 0,
      password: 'pw',
    });
    expect(parseRedisUrl('redis://10.0.0.5').options.tls).toBeUndefined();
  });

  it('refuses what is not a redis URL, naming the option and an example', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(
      /--redis "localhost:6379": scheme 'localhost' is not redis or rediss/,
    );
    expect(() => parseRedisUrl('http://h:1')).toThrow(/scheme 'http'/);
    expect(() => parseRedisUrl('redis://h/x')).toThrow(/database 'x' is not a number/);
  });
});

describe('job data', () => {
  it('is checked field by field: a job carries play text, numbers and genomes, nothing to run', () => {
    expect(validateJobData(GOOD_JOB).items).toEqual([[1, 2, 3]]);
    const bad = (patch: object) => () => validateJobData({ ...GOOD_JOB, ...patch });
    expect(bad({ items: [['process.exit(1)']] })).toThrow(/job data: field items\.0/);
    expect(bad({ job: { ...GOOD_JOB.job, fitness: { objective: 'eval', minTrades: 1, maxDrawdown: 1 } } })).toThrow(
      /field job\.fitness\.objective/,
    );
    expect(bad({ datasets: [{ name: '../../etc', hash: 'zz' }] })).toThrow(/field datasets\.0\.hash/);
    expect(bad({ runId: 'x; rm -rf /' })).toThrow(/field runId/);
    expect(bad({ kind: 'exec' })).toThrow(/field kind/);
  });

  it("checks a validate job's guard settings as `forge validate --config` does, naming the setting", async () => {
    const { DEFAULTS } = await import('../../../src/forge/validate/config.js');
    const job = {
      ...GOOD_JOB,
      kind: 'validate',
      job: { ...GOOD_JOB.job, config: DEFAULTS, regimeSkips: [] },
      regimes: [],
      items: [{ rank: 1, key: 'k', genome: [1, 2], task: 'permutation', seed: 's' }],
    };
    expect(validateJobData(job).items).toHaveLength(1);
    const config = { ...DEFAULTS, permutation: { n: 100, maxP: 2 } };
    expect(() => validateJobData({ ...job, job: { ...job.job, config } })).toThrow(/permutation\.maxP/);
    expect(() => validateJobData({ ...job, items: [{ ...job.items[0], task: 'shell' }] })).toThrow(
      /field items\.0\.task/,
    );
  });

  it('records cross as JSON bit for bit, NaN, infinities and -0 included', () => {
    const rec = {
      fitness: -0,
      inSample: { sharpe: NaN, profitFactor: Infinity, worst: -Infinity, ret: 0.1 + 0.2 },
      outOfSample: null,
    } as unknown as EvalRecord;
    const back = decodeRecords(encodeRecords([rec]))[0] as unknown as {
      fitness: number;
      inSample: Record<string, number>;
    };
    expect(Object.is(back.fitness, -0)).toBe(true);
    expect(back.inSample.sharpe).toBeNaN();
    expect(back.inSample.profitFactor).toBe(Infinity);
    expect(back.inSample.worst).toBe(-Infinity);
    expect(back.inSample.ret).toBe(0.1 + 0.2);
  });
});

describe.skipIf(rs.REDIS_SERVER === null)(
  `password, ACL user and TLS against a real redis-server${rs.REDIS_SERVER === null ? `: SKIPPED, ${rs.NO_REDIS_REASON}` : ''}`,
  () => {
    const servers: rs.RedisServer[] = [];
    const workers: rs.WorkerProcess[] = [];
    let home: string;
    // A fresh seed per run: a finished run with the same id would answer from its folder without Redis.
    let seed = 100;
    const SMALL = '--pop 8 --generations 1 --min-trades 1 --json'.split(' ');
    const ARGS = () => [
      'evolve',
      '--dataset',
      'TEST_SMALL',
      '--play',
      PLAY,
      '--seed',
      String(seed++),
      '--home',
      home,
      ...SMALL,
      '--synthetic',
    ];

    beforeAll(() => {
      home = freshHome('forge-dist-safety-');
    });

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(servers.map((s) => s.stop()));
      fs.rmSync(home, { recursive: true, force: true });
    });

    it('connects with an ACL user and password from the URL, and a wrong password is a clear error', async () => {
      const redis = await rs.startRedis({
        extra: ['--requirepass', 'topsecret', '--user', 'forge', 'on', '>w0rk3r', '~*', '&*', '+@all'],
        auth: 'forge:w0rk3r@',
      });
      servers.push(redis);
      const w = rs.startWorker(redis.url);
      workers.push(w);
      const r = await rs.runCli([...ARGS(), '--redis', redis.url]).done;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).status).toBe('finished');
      expect(w.log()).toMatch(/redis:\/\/forge:\*\*\*@127\.0\.0\.1/);
      expect(w.log()).not.toMatch(/w0rk3r/);
      const wrong = await rs.runCli([...ARGS(), '--redis', redis.url.replace('w0rk3r', 'guess')]).done;
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(
        /Redis at redis:\/\/forge:\*\*\*@127\.0\.0\.1:\d+: .*(WRONGPASS|invalid username-password)/,
      );
      expect(wrong.stderr).toMatch(/check the user and password in the URL/);
    }, 180_000);

    it('speaks TLS with rediss:// (certificate trusted through NODE_EXTRA_CA_CERTS)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-tls-'));
      const cert = path.join(dir, 'cert.pem');
      const key = path.join(dir, 'key.pem');
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]);
      if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
      const redis = await rs.startRedis({ tls: { cert, key } });
      servers.push(redis);
      const env = { NODE_EXTRA_CA_CERTS: cert };
      workers.push(rs.startWorker(redis.url, [], env));
      const r = await rs.runCli([...ARGS(), '--redis', redis.url], env).done;
      expect(r.code, r.stderr).toBe(0);
      expect(redis.url).toMatch(/^rediss:/);
      // Without trusting the certificate the connection is refused, not silently made in the clear.
      const untrusted = await rs.runCli([...ARGS(), '--redis', redis.url]).done;
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stderr).toMatch(
        /Redis at rediss:\/\/127\.0\.0\.1:\d+ did not answer.*(self-signed|certificate)/,
      );
      fs.rmSync(dir, { recursive: true, force: true });
    }, 180_000);
  },
);
