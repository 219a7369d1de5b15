#!/usr/bin/env node
// Where `forge evolve`'s resident memory goes (issue 9: max RSS <= 400 MB). Runs
//   forge evolve --dataset BTCUSDT_FULL_CYCLE --pop 150 --json [ARGS]
// in a temporary FORGE_HOME with the synthetic dataset (built untimed), with bench/rss-sampler.mjs
// preloaded, and prints, at the sample of highest RSS: file-backed pages (node, libduckdb), anonymous
// pages, the main isolate's heap, the feature store's columns (its own peak from the run's JSON),
// and the largest worker heap the pool reported. Example: `node bench/rss-breakdown.mjs --workers 2 -g 6`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forge = path.join(root, 'bin', 'forge.js');
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('rss-breakdown: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-rss-breakdown-'));
const samples = path.join(home, 'samples.jsonl');
const env = { ...process.env, FORGE_HOME: home, FORGE_OFFLINE: '1', FORGE_RSS_SAMPLES: samples };
const mib = (bytes) => (bytes / 1024 ** 2).toFixed(0);
try {
  const b = spawnSync(process.execPath, [forge, 'datasets', 'build', 'BTCUSDT_FULL_CYCLE', '--synthetic', '--quiet'], {
    env,
    encoding: 'utf8',
  });
  if (b.status !== 0) throw new Error(`datasets build failed:\n${b.stderr}`);
  fs.rmSync(samples, { force: true });
  const args = ['evolve', '--dataset', 'BTCUSDT_FULL_CYCLE', '--pop', '150', '--json', ...process.argv.slice(2)];
  const load = os.loadavg()[0];
  const sampler = path.join(root, 'bench', 'rss-sampler.mjs');
  const r = spawnSync(process.execPath, ['--import', sampler, forge, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`evolve failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  const doc = JSON.parse(r.stdout);
  let rows = fs
    .readFileSync(samples, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const threads = new Map();
  for (const x of rows.filter((r) => r.w !== undefined)) {
    const t = threads.get(x.w) ?? { role: x.role, heapTotal: 0, heapUsed: 0 };
    threads.set(x.w, {
      ...t,
      heapTotal: Math.max(t.heapTotal, x.heapTotal),
      heapUsed: Math.max(t.heapUsed, x.heapUsed),
    });
  }
  rows = rows.filter((r) => r.w === undefined);
  const peak = rows.reduce((a, x) => (x.rss > a.rss ? x : a));
  const last = rows.at(-1);
  const store = doc.features ?? {};
  console.log(`forge ${args.join(' ')} (load average ${load.toFixed(2)} at start; ${os.cpus().length} cores)`);
  console.log(
    `VmHWM (max RSS) ${last.hwm.toFixed(0)} MiB; highest sample ${peak.rss.toFixed(0)} MiB at ${peak.s} s of ${last.s} s`,
  );
  console.log(`  file-backed pages (node binary, libduckdb)      ${peak.file.toFixed(0)} MiB`);
  console.log(`  anonymous pages                                 ${peak.anon.toFixed(0)} MiB, of which:`);
  console.log(
    `    main isolate heap (committed / used)          ${peak.heapTotal.toFixed(0)} / ${peak.heapUsed.toFixed(0)} MiB`,
  );
  console.log(
    `    feature store columns (run's peak)            ${mib(store.peakBytes ?? 0)} MiB of a ${mib(store.budgetBytes ?? 0)} MiB budget`,
  );
  console.log(`    largest worker heap used (pool's report)      ${mib(doc.peakWorkerHeapBytes ?? 0)} MiB per worker`);
  for (const [id, t] of threads)
    console.log(
      `  thread ${id} (${t.role}): heap committed / used, highest over the run: ${t.heapTotal.toFixed(0)} / ${t.heapUsed.toFixed(0)} MiB`,
    );
  console.log(
    `  features computed ${store.computed}, evictions ${store.evictions}; ${doc.evaluations} evaluations, ${doc.wallMs} ms`,
  );
} catch (e) {
  process.stderr.write(`rss-breakdown: ${e instanceof Error ? e.message : e}\n`);
  process.exitCode = 1;
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
