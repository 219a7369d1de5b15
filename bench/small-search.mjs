#!/usr/bin/env node
// Issue 11 point 3: what a small search costs besides its evaluations. Imports real BTC hourly bars
// (../shared/data/BTCUSD_1h.csv, 2022-01-01..2024-04-13: 19,992 bars) into a temporary home, then runs
//   forge evolve --dataset BTC_1H_20K --play bench/plays/search-quality.yaml --workers 1 --budget B --json
// as a fresh process per run (B = 1,500 and 300, alternating, `--runs` times each), and prints the
// process's wall and CPU (user + sys of the child, from /proc via `/usr/bin/time` when present) and the
// phases the run reports (`phases` in --json: load, setup, pool start, search = evaluation + breeding +
// records, the final write and the store sync); "start-up + exit" is the process wall minus all of them.
// Usage: node bench/small-search.mjs [--runs 3] [--budgets 1500,300] [--play FILE] [--base DIR]. Build
// first. --base DIR: another built checkout (e.g. main) run alternately with this one, same home, so
// the two compare under the same load (its rows show only what its --json reports).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forge = path.join(root, 'bin', 'forge.js');
const BASE = process.argv.includes('--base') ? path.resolve(process.argv[process.argv.indexOf('--base') + 1]) : null;
const csv = path.resolve(root, process.env.FORGE_SHARED_DATA ?? '../shared/data', 'BTCUSD_1h.csv');
const opt = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const RUNS = Number(opt('runs', 3));
const BUDGETS = String(opt('budgets', '1500,300')).split(',').map(Number);
const PLAY = path.resolve(opt('play', path.join(root, 'bench/plays/search-quality.yaml')));
if (!fs.existsSync(csv))
  throw new Error(`${csv} is missing: set FORGE_SHARED_DATA to the folder holding BTCUSD_1h.csv`);
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js')))
  throw new Error('dist/ is missing: run `npm run build` first');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-small-search-'));
const cli = (args) => {
  const r = spawnSync(process.execPath, [forge, ...args, '--home', home], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`forge ${args.join(' ')} failed: ${r.stderr}`);
  return r;
};

/** One search in a fresh process (and a fresh runs folder): wall, CPU, and the run's own phases. */
function run(budget, build = root) {
  fs.rmSync(path.join(home, 'runs'), { recursive: true, force: true });
  const args = [
    path.join(build, 'bin', 'forge.js'),
    'evolve',
    '--dataset',
    'BTC_1H_20K',
    '--play',
    PLAY,
    '--workers',
    '1',
  ];
  args.push('--budget', String(budget), '--home', home, '--json');
  const cmd = TIME ? [TIME, '-f', 'CPU %U %S', process.execPath, ...args] : [process.execPath, ...args];
  const t = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  const wall = performance.now() - t;
  if (r.status !== 0) throw new Error(`forge evolve failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const cpu = m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN;
  const p = o.phases ?? {};
  const inRun = p.loadMs + p.setupMs + p.searchMs + p.finalWriteMs + p.storeSyncMs;
  const g = o.session.generations;
  return {
    build: build === root ? 'this' : 'base',
    budget,
    wall,
    cpu,
    generations: g,
    evaluations: o.evaluations,
    best: o.hallOfFame[0]?.fitness,
    startExit: wall - inRun,
    ...p,
    breedMs: p.searchMs - p.evaluateMs - p.recordsMs,
    perGeneration: (p.searchMs - p.evaluateMs) / g,
    // CPU (all threads): start-up + exit is the process's CPU less the phases'.
    cpuStartExit: p.cpuMs ? cpu - Object.values(p.cpuMs).reduce((a, b) => a + b, 0) + p.cpuMs.evaluate : NaN,
    cpuLoad: p.cpuMs?.load,
    cpuSetup: p.cpuMs?.setup,
    cpuSearch: p.cpuMs?.search,
    cpuEvaluate: p.cpuMs?.evaluate,
    cpuPerGeneration: p.cpuMs ? (p.cpuMs.search - p.cpuMs.evaluate) / g : NaN,
    cpuFinalWrite: p.cpuMs?.finalWrite,
    cpuStoreSync: p.cpuMs?.storeSync,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  fs.mkdirSync(path.join(home, 'datasets'));
  fs.writeFileSync(
    path.join(home, 'datasets', 'catalog.yaml'),
    'datasets:\n  - {name: BTC_1H_20K, symbol: BTCUSDT, base: 1h, from: 2022-01-01, to: 2024-04-13, regime: cycle}\n',
  );
  cli(['data', 'import', csv, '--symbol', 'BTCUSDT', '--tf', '1h', '--quiet']);
  cli(['datasets', 'build', 'BTC_1H_20K', '--quiet']);
  run(300); // warms the OS file cache and the store; not counted
  const rows = [];
  for (let i = 0; i < RUNS; i++)
    for (const b of BUDGETS) {
      rows.push(run(b));
      if (BASE) rows.push(run(b, BASE));
    }
  const cols = [
    ['wall', 'wall'],
    ['cpu', 'CPU (user+sys)'],
    ['startExit', 'start-up + exit'],
    ['loadMs', 'dataset load'],
    ['setupMs', 'setup (folder, pool)'],
    ['poolStartMs', 'of it pool start'],
    ['searchMs', 'search'],
    ['evaluateMs', 'evaluation'],
    ['featureMs', 'of it features'],
    ['breedMs', 'breeding'],
    ['recordsMs', 'records'],
    ['finalWriteMs', 'final write'],
    ['storeSyncMs', 'store sync'],
    ['perGeneration', 'fixed per generation'],
  ];
  console.log(
    `load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}; ${RUNS} runs per budget, medians, ms`,
  );
  console.log(`| build | budget | generations | ${cols.map((c) => c[1]).join(' | ')} | best |`);
  console.log(`| --- | --- | --- | ${cols.map(() => '---').join(' | ')} | --- |`);
  for (const build of BASE ? ['this', 'base'] : ['this'])
    for (const b of BUDGETS) {
      const mine = rows.filter((r) => r.budget === b && r.build === build);
      const cells = cols.map(([k]) =>
        median(mine.map((r) => r[k] ?? Number.NaN)).toFixed(k === 'perGeneration' ? 1 : 0),
      );
      console.log(
        `| ${build} | ${b} | ${median(mine.map((r) => r.generations))} | ${cells.join(' | ')} | ${mine[0].best.toFixed(4)} |`,
      );
    }
  const cpuCols = [
    ['cpu', 'CPU total'],
    ['cpuStartExit', 'start-up + exit'],
    ['cpuLoad', 'dataset load'],
    ['cpuSetup', 'setup'],
    ['cpuSearch', 'search'],
    ['cpuEvaluate', 'evaluation'],
    ['cpuPerGeneration', 'search less evaluation, per generation'],
    ['cpuFinalWrite', 'final write'],
    ['cpuStoreSync', 'store sync'],
  ];
  console.log('\nCPU time (user + sys, all threads of the process), medians, ms');
  console.log(`| build | budget | ${cpuCols.map((c) => c[1]).join(' | ')} |`);
  console.log(`| --- | --- | ${cpuCols.map(() => '---').join(' | ')} |`);
  for (const build of BASE ? ['this', 'base'] : ['this'])
    for (const b of BUDGETS) {
      const mine = rows.filter((r) => r.budget === b && r.build === build);
      const cells = cpuCols.map(([k]) =>
        median(mine.map((r) => r[k] ?? Number.NaN)).toFixed(k === 'cpuPerGeneration' ? 1 : 0),
      );
      console.log(`| ${build} | ${b} | ${cells.join(' | ')} |`);
    }
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
