// The evaluation pool's generations by thread: node bench/pool-threads.mjs [WORKERS=2] [GENERATIONS=20]
// (build first: npm run build; BUILD=dir for another build). L5 on the bench's 140k-bar feed, pop 150,
// random genomes (seeded), two untimed generations first. Prints ms a generation (wall, evaluation
// rounds), each thread's evaluations and busy ms an evaluation (wall inside its tasks), and the CPU ms a
// generation of every thread of the process from /proc (main, worker threads, V8's helper threads).
// Run it alone, then two copies at once with WORKERS=1 (`node bench/pool-threads.mjs 1 & node
// bench/pool-threads.mjs 1`), to compare threads sharing one pool with independent processes.
import path from 'node:path';
const build = path.resolve(process.env.BUILD ?? 'dist');
const d = (p) => import(path.join(build, p));
const { LEVELS, levelPlayText } = await d('forge/bench/levels.js');
const { benchFeeds } = await d('forge/bench/dataset.js');
const { evalJob, randomGenomes } = await d('forge/bench/pool-run.js');
const { contentHash } = await d('forge/datasets/manifest.js');
const { shareFeeds } = await d('forge/shared/columns.js');
const { evaluationPool } = await d('forge/eval/pool.js');
const W = Number(process.argv[2] ?? 2),
  G = Number(process.argv[3] ?? 20),
  POP = 150;
const play = levelPlayText(LEVELS.find((l) => l.id === 'L5'));
const feeds = benchFeeds();
const hash = contentHash(Object.values(feeds).map((f) => ({ tf: f.tf, columns: f })));
const shared = shareFeeds('BENCH_L5', hash, feeds);
const job = evalJob(play, 'L5.yaml', feeds['15m'], 0.2, 32 * 1024 * 1024);
const genomes = randomGenomes(play, POP * (G + 2), 'bench-poolgen');
const pool = evaluationPool(job, shared, [], { workers: W });
await pool.map(genomes.slice(0, POP));
await pool.map(genomes.slice(POP, 2 * POP));
import fs from 'node:fs';
const threads = () =>
  Object.fromEntries(
    fs.readdirSync('/proc/self/task').map((t) => {
      const st = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const name = fs.readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim();
      const f = st.split(') ')[1].split(' ');
      return [`${t}:${name}`, (Number(f[11]) + Number(f[12])) * 10];
    }),
  );
const th0 = threads();
const s0 = pool.stats();
const t0 = performance.now();
const c0 = process.cpuUsage();
let busy = 0;
const per = new Map();
for (let g = 2; g < G + 2; g++) {
  const out = await pool.map(genomes.slice(g * POP, (g + 1) * POP));
  busy += out.reduce((a, b) => a + (b.busyMs ?? 0), 0);
  for (const b of out) {
    const e = per.get(b.threadId) ?? [0, 0];
    e[0] += b.busyMs;
    e[1] += b.records.length;
    per.set(b.threadId, e);
  }
}
const wall = performance.now() - t0;
const s1 = pool.stats();
const c1 = process.cpuUsage(c0);
console.log(
  `W=${W} ${G} gens: ${(wall / G).toFixed(1)} ms/gen, evalRound ${((s1.evalMs - s0.evalMs) / G).toFixed(1)} ms/gen, busy/worker ${(busy / G / W).toFixed(1)} ms/gen, evals/s ${((G * POP * 1000) / wall).toFixed(0)}, process CPU ${((c1.user + c1.system) / 1000 / G).toFixed(1)} ms/gen`,
);
console.log([...per].map(([t, [ms, n]]) => `thread ${t}: ${n} evals, ${(ms / n).toFixed(3)} ms/eval`).join('; '));
const th1 = threads();
const diff = Object.entries(th1)
  .map(([k, v]) => [k, v - (th0[k] ?? 0)])
  .filter(([, v]) => v > 0)
  .sort((a, b) => b[1] - a[1]);
console.log('thread CPU ms/gen:', diff.map(([k, v]) => `${k} ${(v / G).toFixed(1)}`).join(', '));
await pool.close();
