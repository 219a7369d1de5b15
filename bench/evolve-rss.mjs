#!/usr/bin/env node
// `npm run bench:evolve-rss`: the issue 9 figures that only a whole `forge evolve` shows: its max RSS
// (target <= 400 MB) and its 2-worker speed-up over 1 (target >= 1.8x). Runs
//   forge evolve --dataset BTCUSDT_FULL_CYCLE --pop 150 --workers W --json
// under GNU /usr/bin/time -v at W = 1 and 2 in a temporary FORGE_HOME (deleted afterwards), after
// building the synthetic dataset there untimed so that neither run pays for it. Extra arguments pass
// through to evolve, e.g. `-g 3` for a quick check. Build first (`npm run build`; `npm ci` does it).
// Run it on a quiet machine: both runs use every core the workers ask for.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TIME = '/usr/bin/time';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forge = path.join(root, 'bin', 'forge.js');
// Thrown, not exited on the spot, so that the temporary home is always removed.
class Failure extends Error {}
const fail = (msg) => {
  throw new Failure(msg);
};

// The shell's `time` keyword has no -v; max RSS needs GNU time (Debian package `time`).
if (spawnSync(TIME, ['-v', 'true'], { encoding: 'utf8' }).status !== 0) {
  process.stderr.write(`evolve-rss: ${TIME} (GNU time) is missing: apt-get install time\n`);
  process.exit(1);
}
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('evolve-rss: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}

const extra = process.argv.slice(2);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-evolve-rss-'));
const env = { ...process.env, FORGE_HOME: home };

/** GNU time's "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:20.51" in seconds. */
function clockSeconds(text) {
  return text.split(':').reduce((s, part) => s * 60 + Number(part), 0);
}

function evolve(workers) {
  // Same config and seed = same run id: without this the second run would find the first finished.
  fs.rmSync(path.join(home, 'runs'), { recursive: true, force: true });
  const args = [
    '-v',
    process.execPath,
    forge,
    'evolve',
    '--dataset',
    'BTCUSDT_FULL_CYCLE',
    '--pop',
    '150',
    ...extra,
    '--workers',
    String(workers),
    '--json',
  ];
  process.stderr.write(`evolve-rss: ${workers} worker${workers > 1 ? 's' : ''}: ${TIME} ${args.slice(1).join(' ')}\n`);
  const r = spawnSync(TIME, args, { env, cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // time -v appends its report to the child's stderr; evolve's own stderr is its progress.
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = /Elapsed \(wall clock\) time.*?: (\d[\d:.]*)\s*$/m.exec(r.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !rss || !wall)
    fail(`evolve at ${workers} workers failed (exit ${r.status}):\n${r.stderr.split('\n').slice(-25).join('\n')}`);
  let doc;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    fail(`evolve --json printed no JSON document:\n${r.stdout.slice(0, 2000)}`);
  }
  if (!(doc.evalsPerSec > 0)) fail(`evolve's JSON has no evalsPerSec: ${JSON.stringify(doc).slice(0, 500)}`);
  return {
    workers,
    maxRssMiB: Number(rss[1]) / 1024,
    timeWallS: clockSeconds(wall[1]),
    // All threads of the process (the workers, the coordinator, V8's compiler and GC helpers, the writer)
    // and the children it waited for (the store's sync processes).
    cpuS: Number(user?.[1] ?? NaN) + Number(sys?.[1] ?? NaN),
    wallMs: doc.wallMs,
    evalsPerSec: doc.evalsPerSec,
    evaluations: doc.evaluations,
  };
}

try {
  process.stderr.write(`evolve-rss: building BTCUSDT_FULL_CYCLE (synthetic) in ${home}, untimed\n`);
  const b = spawnSync(process.execPath, [forge, 'datasets', 'build', 'BTCUSDT_FULL_CYCLE', '--synthetic', '--quiet'], {
    env,
    cwd: root,
    encoding: 'utf8',
  });
  if (b.status !== 0) fail(`datasets build failed:\n${b.stderr}`);
  const load = os.loadavg();
  const runs = [evolve(1), evolve(2)];
  const end = os.loadavg();
  const cell = (v, w) => String(v).padStart(w);
  console.log(
    `forge evolve --dataset BTCUSDT_FULL_CYCLE --pop 150 ${extra.join(' ')}`.trim() +
      ` (${os.cpus().length} cores, Node ${process.version}; load average ${load[0].toFixed(2)} at start, ${end[0].toFixed(2)} at end)`,
  );
  console.log(
    `${cell('workers', 7)}  ${cell('max RSS MiB', 11)}  ${cell('wall s', 7)}  ${cell('CPU s', 6)}  ${cell('evolve wallMs', 13)}  ${cell('evals/s', 8)}  ${cell('evaluations', 11)}`,
  );
  for (const r of runs)
    console.log(
      `${cell(r.workers, 7)}  ${cell(r.maxRssMiB.toFixed(0), 11)}  ${cell(r.timeWallS.toFixed(1), 7)}  ${cell(r.cpuS.toFixed(1), 6)}  ${cell(r.wallMs, 13)}  ${cell(r.evalsPerSec.toFixed(1), 8)}  ${cell(r.evaluations, 11)}`,
    );
  const [one, two] = runs;
  // evals/s is evolve's own figure (time in the pool's map); the wall ratio includes start-up, data load and persistence.
  console.log(
    `2 vs 1 worker: ${(two.evalsPerSec / one.evalsPerSec).toFixed(2)}x evals/s, ${(one.wallMs / two.wallMs).toFixed(2)}x wall (issue 9 targets: speed-up >= 1.8x, max RSS <= 400 MB)`,
  );
  // The same job costs more CPU with worker threads (each isolate compiles and collects on its own, the
  // batches are messages); with every core busy the wall time cannot fall below CPU / cores.
  console.log(
    `CPU 2 vs 1 worker: ${(two.cpuS / one.cpuS).toFixed(2)}x; ceiling of the 2-worker speed-up on 2 busy cores: ${((2 * one.cpuS) / two.cpuS).toFixed(2)}x of the 1-worker run's CPU time`,
  );
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  process.stderr.write(`evolve-rss: ${e.message}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
