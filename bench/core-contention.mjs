// Does a core slow down when the other one works too? node bench/core-contention.mjs [BUILD=dist] [seconds=6]
// Runs the same single-threaded job in 1 process, then in 2 at once (separate processes: no shared
// heap, no messages, no coordinator), and prints each process's CPU time per unit of work. Two jobs:
// - `ga-path`: the GA evaluator's path on L5 plays (rules with fresh leaves, simulate, leanMetrics) on
//   the bench's 140k-bar feeds: streams 1.1 MB columns, like a pool worker;
// - `alu`: a loop over a 16 KB array (stays in L1): arithmetic only.
// If CPU per unit rises with 2 processes, the cores share something (memory bandwidth, last-level cache,
// a host's hyperthread sibling) and no design of forge's can turn 2 workers into 2x the work of 1 on
// this machine; the ratio is the ceiling. Run it on a quiet machine (`uptime` first).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');

// CPU time of this thread (ms): /proc/thread-self, so that two worker threads of one process are
// measured apart (process.cpuUsage() sums all threads).
const cpu = () => {
  const s = fs.readFileSync('/proc/thread-self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};

async function makeUnit(job, build) {
  let unit;
  if (job === 'alu') {
    const a = new Float64Array(2048).map((_, i) => 1 + (i % 7));
    let s = 0;
    unit = () => {
      for (let r = 0; r < 2000; r++) for (let i = 1; i < a.length; i++) s += a[i] * 1.0001 - a[i - 1] * 0.9999;
      return s;
    };
  } else {
    const seedrandom = (await import('seedrandom')).default;
    const P = await import(path.join(build, 'engine/play/index.js'));
    const { MaskBuffers } = await import(path.join(build, 'engine/play/mask-rules.js'));
    const { simulate } = await import(path.join(build, 'engine/sim/simulate.js'));
    const { SimScratch } = await import(path.join(build, 'engine/sim/trades.js'));
    const { leanMetrics } = await import(path.join(build, 'engine/metrics/lean.js'));
    const { benchFeeds } = await import(path.join(build, 'forge/bench/dataset.js'));
    const { levelPlayText, selectLevels } = await import(path.join(build, 'forge/bench/levels.js'));
    const feeds = benchFeeds();
    const space = P.parsePlay(levelPlayText(selectLevels('L5')[0]), 'bench');
    const rng = seedrandom('core-contention');
    const plays = Array.from({ length: 40 }, () => P.resolvePlay(space, P.randomGenome(space.genes, rng)));
    const cache = new P.MapFeatureCache();
    const bufs = new MaskBuffers();
    const scratch = new SimScratch();
    scratch.keepEquity = false;
    for (const p of plays) P.compileSignals(p, feeds, cache, bufs); // features, untimed
    let k = 0;
    unit = () => {
      const p = plays[k++ % plays.length];
      const fresh = { get: (key) => cache.get(key), set: (key, v) => cache.set(key, v) }; // fresh leaves
      const { feed, masks, atr } = P.compileSignals(p, feeds, fresh, bufs);
      const conf = P.simConfigOf(p);
      const res = simulate(feed, masks, conf, atr, scratch);
      return leanMetrics(feed, res, conf, { firstBar: Math.min(P.playWarmup(p), feed.length - 1) }).trades;
    };
  }
  return unit;
}

/** Warms up, says ready, waits for the go, then runs units for `seconds`; returns the figures. */
async function measure(job, build, seconds, ready, go) {
  const unit = await makeUnit(job, build);
  const warmUntil = cpu() + 1500;
  while (cpu() < warmUntil) unit();
  ready();
  await go;
  const c0 = cpu();
  const t0 = performance.now();
  let units = 0;
  while (performance.now() - t0 < seconds * 1000) {
    unit();
    units++;
  }
  return { units, cpuMs: cpu() - c0, wallMs: performance.now() - t0 };
}

if (!isMainThread) {
  const { job, build, seconds } = workerData;
  const go = new Promise((r) => parentPort.once('message', r));
  const r = await measure(job, build, seconds, () => parentPort.postMessage('ready'), go);
  parentPort.postMessage(r);
} else if (process.argv[2] === '--child') {
  const [, , , job, build, secondsArg, threadsArg] = process.argv;
  const seconds = Number(secondsArg);
  const threads = Number(threadsArg ?? 0);
  // Start together: the parent sends a line on stdin when every child is warm.
  const go = new Promise((r) => process.stdin.once('data', r));
  if (threads === 0) {
    const r = await measure(job, build, seconds, () => process.stdout.write('ready\n'), go);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    // The same job in `threads` worker threads of this one process (one V8 isolate each, one address space).
    const ws = Array.from({ length: threads }, () => new Worker(self, { workerData: { job, build, seconds } }));
    let warm = 0;
    const results = ws.map(
      (w) =>
        new Promise((resolve) =>
          w.on('message', (m) => {
            if (m === 'ready') {
              if (++warm === threads) process.stdout.write('ready\n');
            } else resolve(m);
          }),
        ),
    );
    go.then(() => {
      for (const w of ws) w.postMessage('go');
    });
    for (const r of await Promise.all(results)) process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  process.exit(0);
} else {
  await parent();
}

async function parent() {
  const build = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
  const seconds = Number(process.argv[3] ?? 6);

  /** `copies` processes at once, or one process running the job in `threads` worker threads; one result per copy. */
  function runTogether(job, copies, threads = 0) {
    const kids = Array.from({ length: copies }, () =>
      spawn(process.execPath, [self, '--child', job, build, String(seconds), String(threads)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const lines = kids.map(
      (k) =>
        new Promise((resolve) => {
          let buf = '';
          const seen = [];
          k.stdout.on('data', (d) => {
            buf += d;
            let i = buf.indexOf('\n');
            while (i >= 0) {
              seen.push(buf.slice(0, i));
              buf = buf.slice(i + 1);
              i = buf.indexOf('\n');
              if (seen.length === 1) ready();
            }
          });
          k.on('exit', () => resolve(seen.slice(1).map((l) => JSON.parse(l))));
        }),
    );
    let warm = 0;
    function ready() {
      if (++warm === copies) for (const k of kids) k.stdin.write('go\n');
    }
    return Promise.all(lines).then((rs) => rs.flat());
  }

  const load = os.loadavg()[0];
  console.log(`core contention, ${os.cpus().length} cores, Node ${process.version}, load average ${load.toFixed(2)}`);
  const per = (r) => r.cpuMs / r.units;
  const rate = (rs) => rs.reduce((s, r) => s + (1000 * r.units) / r.wallMs, 0);
  for (const job of ['alu', 'ga-path']) {
    const alone = (await runTogether(job, 1))[0];
    // Two processes (nothing shared but the hardware), then two worker threads of one process (one
    // address space, as forge's pool): if only the threads slow down, the cause is in the process, not
    // the cores.
    for (const [label, pair] of [
      ['2 processes', await runTogether(job, 2)],
      ['2 threads  ', await runTogether(job, 1, 2)],
    ]) {
      const pairPer = pair.reduce((s, r) => s + per(r), 0) / pair.length;
      console.log(
        `${job.padEnd(8)} ${label}: CPU ms per unit alone ${per(alone).toFixed(3)}, two at once ` +
          `${pair.map((r) => per(r).toFixed(3)).join(' / ')} (x${(pairPer / per(alone)).toFixed(2)}); units/s ` +
          `${rate([alone]).toFixed(1)} -> ${rate(pair).toFixed(1)} = ${(rate(pair) / rate([alone])).toFixed(2)}x`,
      );
    }
  }
}
