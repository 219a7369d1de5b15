// How many functions V8 optimises while the GA evaluator runs N random genomes of a play (issue 9:
// the count must not grow with the number of distinct plays). Build first (npm run build), then:
//
//   node bench/v8-opt-count.mjs [--dist dist] [--n 200,2000] [--bars 35000] [--play configs/plays/default.yaml]
//
// For each N it runs a child `node --trace-opt` that evaluates N genomes (seeded, on the bench's
// synthetic data) and counts V8's "completed optimizing" lines: all of them (re-optimisations after a
// deopt included), the distinct functions by name, and those of rule code generated at run time (the
// names the old rule compiler gave its functions: fusedRule, mask, quiet, quietChecked). A design that
// compiles code per play shape shows counts that rise with N; a fixed set of kernels shows about the
// same counts for every N (distinct functions still rise a little at first: parser and setup code that
// runs once per evaluation gets hot only after some hundreds).
//
// Measured 2026-12-02 (2 cores, loaded machine), 35,000 bars, default.yaml:
//   before (6de51d4, generated rule code):  N=200: 239 optimisations, 61 functions; N=2000: 442 / 99
//                                            (202 of them generated rule code); N=5000: 747 / 112
//   after (fixed kernels):                  N=200: 146 / 73; N=2000: 216 / 113; N=5000: 230 / 121
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const dist = path.resolve(arg('dist', path.join(root, 'dist')));
const bars = Number(arg('bars', 35000));
const GENERATED = new Set(['fusedRule', 'mask', 'quiet', 'quietChecked']);
const playFile = path.resolve(arg('play', path.join(root, 'configs/plays/default.yaml')));

if (process.argv.includes('--child')) {
  const n = Number(arg('n', 200));
  const seedrandom = (await import('seedrandom')).default;
  const { benchFeeds } = await import(path.join(dist, 'forge/bench/dataset.js'));
  const { createEvaluator } = await import(path.join(dist, 'forge/eval/evaluator.js'));
  const { resolveFitness } = await import(path.join(dist, 'forge/fitness.js'));
  const { randomGenome } = await import(path.join(dist, 'engine/play/index.js'));
  const feeds = benchFeeds(bars);
  const exec = feeds['15m'];
  const cut = exec.time[Math.floor(exec.length * 0.8)];
  const end = exec.time[exec.length - 1] + exec.tfMs;
  const job = {
    playText: fs.readFileSync(playFile, 'utf8'),
    playFile,
    cash: 10_000,
    inSample: [exec.time[0], cut],
    outOfSample: [cut, end],
    fitness: resolveFitness({}),
    cacheBytes: 1 << 30,
  };
  const evaluator = createEvaluator(job, feeds);
  const rng = seedrandom('v8-opt-count');
  const shapes = new Set();
  const t0 = performance.now();
  let failed = 0;
  for (let k = 0; k < n; k++) {
    const genome = randomGenome(evaluator.space.genes, rng);
    // Which optional rules and stops are on: the play's shape, as the old rule compiler saw it.
    shapes.add(evaluator.space.genes.map((g, i) => (g.kind === 'bool' ? genome[i] : '')).join(''));
    if (evaluator.evaluate(genome).error !== undefined) failed++;
  }
  console.log(`RESULT ${JSON.stringify({ n, shapes: shapes.size, failed, ms: performance.now() - t0 })}`);
} else {
  const ns = String(arg('n', '200,2000')).split(',').map(Number);
  console.log(
    `V8 optimisations while evaluating random genomes of ${path.relative(root, playFile)} (${bars} 15m bars, ${path.relative(root, dist) || dist})`,
  );
  console.log('genomes  shapes  optimisations  distinct functions  generated rule code  evaluation s');
  for (const n of ns) {
    const r = spawnSync(
      process.execPath,
      ['--trace-opt', here, '--child', '--n', String(n), '--dist', dist, '--bars', String(bars), '--play', playFile],
      { encoding: 'utf8', maxBuffer: 1 << 30 },
    );
    if (r.status !== 0) throw new Error(r.stderr || `child exited with ${r.status}`);
    const done = r.stdout.split('\n').filter((l) => l.includes('completed optimizing'));
    const nameOf = (l) => /<JSFunction ([^ ]*)/.exec(l)?.[1] ?? '?';
    const names = new Set(done.map(nameOf));
    const generated = done.filter((l) => GENERATED.has(nameOf(l))).length;
    const res = JSON.parse(/RESULT (.*)/.exec(r.stdout)[1]);
    console.log(
      `${String(n).padStart(7)}  ${String(res.shapes).padStart(6)}  ${String(done.length).padStart(13)}  ${String(names.size).padStart(18)}  ${String(generated).padStart(19)}  ${(res.ms / 1000).toFixed(1).padStart(12)}`,
    );
  }
}
