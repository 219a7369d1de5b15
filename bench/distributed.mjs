#!/usr/bin/env node
// `npm run bench:distributed`: issue 14 point 7. The same L5 generations (pop 150, random genomes,
// 140k 15m bars) through the local evaluation pool of 2 threads, then through BullMQ: a real
// redis-server on a free loopback port and 2 `forge worker --workers 1` processes. Prints evals/s,
// queue overhead per generation and per job, efficiency (local wall / distributed wall), a check
// that both gave the same records, and a labelled projection for N machines from the measured
// per-job overhead. One untimed warm-up generation each (threads and workers started, dataset sent).
// Also the CPU ms (user + sys) of each side, per process and per thread (main vs the others), from
// /proc: on a shared machine wall time measures the other tenants; CPU time much less so.
// Options: --generations G (default 30), --pop P (150), --remote-first (the distributed side first, to
// alternate the order between runs), --jobs-per-worker, --max-batch, --min-job-share (job sizing).
// Build first (`npm run build`).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
// 30 by default: at 4-12 generations one run's spread (-2 to +62 %) hid a 10 % target.
const GENS = arg('generations', 30);
const POP = arg('pop', 150);
// Job sizing (remote-jobs.ts REMOTE_DEFAULTS unless given): to compare the old split with the new.
const sizing = Object.fromEntries(
  [
    ['jobsPerWorker', arg('jobs-per-worker', undefined)],
    ['maxBatch', arg('max-batch', undefined)],
    ['minJobShare', arg('min-job-share', undefined)],
  ].filter(([, v]) => v !== undefined),
);
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p));
if (!REDIS) {
  process.stderr.write('bench distributed: redis-server is missing (apt-get install redis-server)\n');
  process.exit(1);
}

const { LEVELS, levelPlayText } = await dist('forge/bench/levels.js');
const { benchFeeds } = await dist('forge/bench/dataset.js');
const { evalJob, randomGenomes } = await dist('forge/bench/pool-run.js');
const { contentHash } = await dist('forge/datasets/manifest.js');
const { shareFeeds } = await dist('forge/shared/columns.js');
const { evaluationPool } = await dist('forge/eval/pool.js');
const { remoteEvaluationPool } = await dist('forge/distributed/coordinator.js');
const { parseRedisUrl } = await dist('forge/distributed/connection.js');

const play = levelPlayText(LEVELS.find((l) => l.id === 'L5'));
const feeds = benchFeeds();
const hash = contentHash(Object.values(feeds).map((f) => ({ tf: f.tf, columns: f })));
const shared = shareFeeds('BENCH_L5', hash, feeds);
const job = evalJob(play, 'L5.yaml', feeds['15m'], 0.2, 32 * 1024 * 1024);
const genomes = randomGenomes(play, POP * (GENS + 1), 'bench-distributed');
const generations = Array.from({ length: GENS + 1 }, (_, g) => genomes.slice(g * POP, (g + 1) * POP));

// CPU seconds (user + sys, all threads) of this process and of the given child processes, from
// /proc: on a shared 2-core machine the wall clock measures the other tenants as much as forge, while
// the CPU time each side spends on the same generations does not depend on them.
const clockTicks = 100; // USER_HZ on Linux
/** CPU ms of a process's main thread and of its other threads (workers, V8's helpers), from /proc. */
function threadsCpu(pid) {
  const ms = (stat) => {
    const f = stat.split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks; // utime, stime (fields 14, 15)
  };
  const out = { main: 0, others: 0 };
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const c = ms(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (Number(tid) === pid) out.main += c;
      else out.others += c;
    }
  } catch {
    // not Linux, or the process is gone: its CPU is not counted
  }
  return out;
}

/** CPU ms of this process, then of each pid: { main, others } each. */
const cpuMs = (pids = []) => [process.pid, ...pids].map(threadsCpu);

async function timed(pool, afterWarmup = () => {}, pids = () => []) {
  await pool.map(generations[0]); // warm-up, untimed
  afterWarmup();
  const records = [];
  const c0 = cpuMs(pids());
  const t0 = performance.now();
  for (const g of generations.slice(1)) records.push(...(await pool.map(g)).flatMap((b) => b.records));
  const ms = performance.now() - t0;
  const byProcess = cpuMs(pids()).map((c, i) => ({
    main: Math.round(c.main - c0[i].main),
    others: Math.round(c.others - c0[i].others),
  }));
  return { ms, cpuMs: byProcess.reduce((a, b) => a + b.main + b.others, 0), byProcess, records };
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const T0 = performance.now();
const phase = (what) => process.stderr.write(`[${((performance.now() - T0) / 1000).toFixed(1)} s] ${what}\n`);
// --remote-first: the distributed side first, to alternate the order between runs (the load of a
// shared machine drifts within a run).
const REMOTE_FIRST = process.argv.includes('--remote-first');
const loads = {};
async function runLocal() {
  phase('local pool');
  loads.local = os.loadavg()[0];
  const local = evaluationPool(job, shared, [], { workers: 2 });
  const r = await timed(local);
  await local.close();
  return r;
}
let L = REMOTE_FIRST ? undefined : await runLocal();

const port = await freePort();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-bench-redis-'));
const children = [
  spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  }),
];
const url = `redis://127.0.0.1:${port}`;
let R;
let jobs = 0;
let spans = {};
try {
  await new Promise((r) => setTimeout(r, 300));
  for (const name of ['w1', 'w2']) {
    const home = fs.mkdtempSync(path.join(dir, 'home-'));
    children.push(
      spawn(
        process.execPath,
        [
          path.join(root, 'bin/forge.js'),
          'worker',
          '--redis',
          url,
          '--workers',
          '1',
          '--name',
          name,
          '--home',
          home,
          '--quiet',
        ],
        { stdio: 'ignore' },
      ),
    );
  }
  const remote = await remoteEvaluationPool({
    target: parseRedisUrl(url),
    runId: 'b0000000000000b1',
    job,
    datasets: [shared],
    log: () => {},
    ...sizing,
  });
  // Both workers connected (heartbeats in Redis) before timing, as in a steady run.
  const probe = new (await import('ioredis')).Redis(port, '127.0.0.1');
  for (let i = 0; i < 100 && (await probe.keys('forge:worker:*')).length < 2; i++)
    await new Promise((r) => setTimeout(r, 100));
  probe.disconnect();
  phase('distributed');
  loads.distributed = os.loadavg()[0];
  let before;
  R = await timed(
    remote,
    () => (before = remote.remoteStats()),
    () => children.map((c) => c.pid),
  );
  phase('done');
  const after = remote.remoteStats();
  jobs = after.jobs - before.jobs;
  spans = Object.fromEntries(
    ['queuedMs', 'workMs', 'noticeMs'].map((k) => [k, Math.round((after[k] - before[k]) / jobs)]),
  );
  await remote.close();
} finally {
  // Workers first, while Redis still answers: a worker asked to stop records its last answers there
  // (without Redis it would give up only after its grace of a few seconds); then Redis.
  const exited = (c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)));
  const [server, ...workers] = children;
  for (const w of workers) w.kill('SIGTERM');
  const late = setTimeout(() => {
    for (const w of workers) w.kill('SIGKILL');
  }, 10_000);
  await Promise.all(workers.map(exited));
  clearTimeout(late);
  server.kill('SIGTERM');
  await exited(server);
  fs.rmSync(dir, { recursive: true, force: true });
}
L ??= await runLocal();

const same = JSON.stringify(L.records) === JSON.stringify(R.records);
const evals = POP * GENS;
const jobsPerGen = jobs / GENS;
const overheadGen = (R.ms - L.ms) / GENS;
const out = {
  machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}`,
  date: new Date().toISOString(),
  level: 'L5',
  population: POP,
  generations: GENS,
  order: REMOTE_FIRST ? 'distributed, then local' : 'local, then distributed',
  load1AtStart: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, +v.toFixed(1)])),
  loadAverage: os.loadavg().map((x) => +x.toFixed(1)),
  local2Threads: {
    wallMs: Math.round(L.ms),
    cpuMs: Math.round(L.cpuMs),
    cpuMsByThread: L.byProcess[0],
    evalsPerSec: +((evals * 1000) / L.ms).toFixed(1),
  },
  redis2Workers: {
    wallMs: Math.round(R.ms),
    // coordinator + 2 workers + redis-server
    cpuMs: Math.round(R.cpuMs),
    cpuMsByProcess: Object.fromEntries(['coordinator', 'redis-server', 'w1', 'w2'].map((k, i) => [k, R.byProcess[i]])),
    evalsPerSec: +((evals * 1000) / R.ms).toFixed(1),
    jobsPerGeneration: jobsPerGen,
    sizing: { ...{ jobsPerWorker: 'default', maxBatch: 'default', minJobShare: 'default' }, ...sizing },
    perJobFromBullMQTimestamps: spans,
  },
  overheadPerGenerationMs: +overheadGen.toFixed(1),
  overheadPerJobMs: +(overheadGen / jobsPerGen).toFixed(2),
  overheadShare: +((R.ms - L.ms) / L.ms).toFixed(3),
  cpuOverheadShare: +((R.cpuMs - L.cpuMs) / L.cpuMs).toFixed(3),
  efficiency: +(L.ms / R.ms).toFixed(3),
  sameRecords: same,
};
// Projection, labelled as such: N machines of 2 threads share the compute; each machine takes
// jobsPerWorker jobs of a generation (one by default) and pays their overhead in parallel with the
// others, so the measured overhead per job is paid jobsPerWorker times per generation whatever N.
// Optimistic: each machine computes the features its own plays need, and that duplicated work
// grows with N (it is inside the measured overhead at N = 2 only).
const computePerGen = L.ms / GENS;
const perJob = Math.max(0, overheadGen / jobsPerGen);
const jobsPerWorker = jobsPerGen / 2;
out.projection = Object.fromEntries(
  [1, 2, 4, 8].map((n) => {
    const perGen = computePerGen / n + jobsPerWorker * perJob;
    return [
      `${n} machines (projected)`,
      { msPerGeneration: Math.round(perGen), speedup: +(computePerGen / perGen).toFixed(2) },
    ];
  }),
);
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
if (!same) process.exitCode = 1;
