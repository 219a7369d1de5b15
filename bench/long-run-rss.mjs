#!/usr/bin/env node
// Issue 10 point 9: memory and generation time over a long `forge evolve`. Runs
//   forge evolve --dataset BTC_2022_1H --play configs/plays/wf_trend_1h.yaml --pop 100 --workers 2
//                --max-wall <minutes>m --generations 1000000 (the wall ends it, not the count)
// on real BTC hourly candles (../shared/data/BTCUSD_1h.csv, 2022: 8,760 bars) in a temporary home,
// samples the process's RSS (/proc/<pid>/status VmRSS: main thread and workers) every 10 s, reads the
// generation count from the progress lines, and prints a Markdown table plus the two figures the
// issue asks for: RSS growth after the first minute (target <= 10 %) and generation time, first
// sampled minute against the last (target: flat). Usage: node bench/long-run-rss.mjs [minutes=10]
// Build first (`npm run build`). The temporary home is deleted afterwards.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const forge = path.join(root, 'bin', 'forge.js');
const csv = path.resolve(root, process.env.FORGE_SHARED_DATA ?? '../shared/data', 'BTCUSD_1h.csv');
const minutes = Number(process.argv[2] ?? 10);
const SAMPLE_MS = 10_000;
if (!(minutes > 1))
  throw new Error(`minutes: got ${process.argv[2]}, expected a number above 1 (the first minute is warm-up)`);
if (!fs.existsSync(csv))
  throw new Error(`${csv} is missing: set FORGE_SHARED_DATA to the folder holding BTCUSD_1h.csv`);
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js')))
  throw new Error('dist/ is missing: run `npm run build` first');

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-long-run-'));
const cli = (args) => {
  const r = spawnSync(process.execPath, [forge, ...args, '--home', home], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`forge ${args.join(' ')} failed: ${r.stderr}`);
};
const rssMB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
// Processes evolve started (the store's sync runs in a short-lived child since branch rss): their RSS
// is memory the run costs too, so it is sampled and reported beside the evolve process's own.
const descendants = (pid) => {
  const out = [];
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`))
      for (const c of fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
        out.push(Number(c), ...descendants(Number(c)));
  } catch {
    /* ended meanwhile */
  }
  return out;
};
const childrenMB = (pid) =>
  descendants(pid).reduce((sum, c) => {
    try {
      return sum + (rssMB(c) || 0);
    } catch {
      return sum;
    }
  }, 0);

// CPU time (ms) by thread of the evolve process (/proc/<pid>/task/<tid>/stat utime + stime), and of its
// ended children (cutime + cstime: the store's sync). Every thread is named "node": the main thread is
// the one whose id is the process's; the rest are told apart by id.
const cpuByThread = (pid) => {
  const fields = (raw) => raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  const tick = 1000 / 100; // USER_HZ
  const st = fields(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const out = { children: (Number(st[13]) + Number(st[14])) * tick };
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const f = fields(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      out[Number(tid) === pid ? 'main' : tid] = (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      /* the thread ended */
    }
  }
  return out;
};

try {
  fs.mkdirSync(path.join(home, 'datasets'));
  fs.writeFileSync(
    path.join(home, 'datasets', 'catalog.yaml'),
    'datasets:\n  - {name: BTC_2022_1H, symbol: BTCUSDT, base: 1h, derived: [4h, 1d], from: 2022-01-01, to: 2023-01-01, regime: bear}\n',
  );
  cli(['data', 'import', csv, '--symbol', 'BTCUSDT', '--tf', '1h', '--quiet']);
  cli(['datasets', 'build', 'BTC_2022_1H', '--quiet']);
  const args = [
    'evolve',
    '--dataset',
    'BTC_2022_1H',
    '--play',
    path.join(root, 'configs/plays/wf_trend_1h.yaml'),
    '--pop',
    '100',
    '--workers',
    '2',
    '--generations',
    '1000000',
    '--max-wall',
    `${minutes}m`,
    '--home',
    home,
    '--json',
  ];
  const t0 = Date.now();
  const child = spawn(process.execPath, [forge, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let tail = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (tail = (tail + d).slice(-4000)));
  // Generations done, from the run folder's generations.json (written at least every second).
  const generationsDone = () => {
    const runs = path.join(home, 'runs');
    const dir = fs.existsSync(runs) ? fs.readdirSync(runs)[0] : undefined;
    const file = dir && path.join(runs, dir, 'generations.json');
    return file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).length : 0;
  };
  const samples = [];
  // A sync child lives ~1 s: its peak is sampled every 250 ms, apart from the 10-second table.
  let kidsPeak = 0;
  const kidTimer = setInterval(() => {
    kidsPeak = Math.max(kidsPeak, childrenMB(child.pid));
  }, 250);
  const timer = setInterval(() => {
    try {
      const rss = rssMB(child.pid); // NaN once the process has ended (no VmRSS line)
      if (Number.isFinite(rss))
        samples.push({
          cpu: cpuByThread(child.pid),
          s: Math.round((Date.now() - t0) / 1000),
          rss,
          kids: childrenMB(child.pid),
          generation: generationsDone(),
        });
    } catch {
      /* the process just ended */
    }
  }, SAMPLE_MS);
  const code = await new Promise((r) => child.once('exit', r));
  clearInterval(timer);
  clearInterval(kidTimer);
  if (code !== 0) throw new Error(`evolve exited ${code}: ${tail}`);
  const out = JSON.parse(stdout);
  const rows = samples.map((x, i) => {
    const prev = samples[i - 1];
    const gens = prev ? x.generation - prev.generation : x.generation;
    return `| ${x.s} | ${x.rss.toFixed(0)} | ${x.kids.toFixed(0)} | ${x.generation} | ${gens > 0 ? (SAMPLE_MS / gens) | 0 : '-'} |`;
  });
  const after = samples.filter((x) => x.s >= 60);
  const base = after[0];
  const peak = Math.max(...after.map((x) => x.rss));
  const genMs = (a, b) => ((b.s - a.s) * 1000) / Math.max(1, b.generation - a.generation);
  // Generation time over the search only: after --max-wall the process still waits for the store's catch-up.
  const searchEnd = samples.findIndex((x) => x.generation === samples.at(-1).generation);
  const search = samples.slice(0, searchEnd + 1);
  const firstMin = genMs(search[0], search.find((x) => x.s >= 60) ?? search.at(-1));
  const lastMin = genMs(search.find((x) => x.s >= search.at(-1).s - 60) ?? search[0], search.at(-1));
  const checkpointKB = fs.statSync(path.join(out.runDir, 'checkpoint.json')).size / 1024;
  console.log(`forge ${args.join(' ').replace(home, '<tmp>')}`);
  console.log(
    `\n| s | RSS MB | child processes MB | generations | ms/generation (last 10 s) |\n|---|---|---|---|---|\n${rows.join('\n')}`,
  );
  console.log(
    `\n${out.generationsDone} generations, ${out.evaluations} distinct evaluations, ${out.cacheHits} cache hits; ` +
      `persistence ${out.persistence.msPerGeneration.toFixed(1)} ms/generation on the search's thread, ` +
      `${out.persistence.writerMsPerGeneration.toFixed(1)} ms/generation on the writer thread ` +
      `(${out.persistence.flushes} writes); checkpoint.json ${checkpointKB.toFixed(0)} kB`,
  );
  console.log(
    `RSS after the first minute: ${base.rss.toFixed(0)} MB at ${base.s} s, peak ${peak.toFixed(0)} MB: ` +
      `growth ${(((peak - base.rss) / base.rss) * 100).toFixed(1)} % (target <= 10 %)`,
  );
  console.log(`child processes (the store's sync): peak ${kidsPeak.toFixed(0)} MB (sampled every 250 ms)`);
  console.log(`generation time: first minute ${firstMin.toFixed(0)} ms, last minute ${lastMin.toFixed(0)} ms`);
  const during = search.filter((x) => x.s >= 60);
  console.log(
    `during the search (${search.at(-1).s} s): RSS peak ${Math.max(...during.map((x) => x.rss)).toFixed(0)} MB; ` +
      `after it (the store's final catch-up, ${samples.at(-1).s - search.at(-1).s} s): peak ` +
      `${Math.max(0, ...samples.slice(searchEnd + 1).map((x) => x.rss)).toFixed(0)} MB`,
  );
  // The single sample at 60 s against the later peak swings with the V8 heaps' sawtooth (+/-25 MB between
  // neighbouring samples): windows of a minute, peak against peak and mean against mean, say more.
  const window = (from, to) => search.filter((x) => x.s > from && x.s <= to).map((x) => x.rss);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const end = search.at(-1).s;
  const [second, last] = [window(60, 120), window(end - 60, end)];
  const pct = (a, b) => `${(((b - a) / a) * 100).toFixed(1)} %`;
  console.log(
    `RSS, second minute -> last minute: peak ${Math.max(...second).toFixed(0)} -> ${Math.max(...last).toFixed(0)} MB ` +
      `(${pct(Math.max(...second), Math.max(...last))}), mean ${mean(second).toFixed(0)} -> ${mean(last).toFixed(0)} MB ` +
      `(${pct(mean(second), mean(last))})`,
  );
  // CPU per generation by thread, per minute: a cost that grows with the run's length shows up here, apart
  // from the wall time per generation (which also moves with what the search does in a generation).
  const threads = Object.keys(search.at(-1).cpu)
    .filter((k) => k !== 'main' && k !== 'children')
    .sort((a, b) => search.at(-1).cpu[b] - search.at(-1).cpu[a]);
  const busiest = threads.slice(0, 3);
  const perGen = (a, b, k) => ((b.cpu[k] ?? 0) - (a.cpu[k] ?? 0)) / Math.max(1, b.generation - a.generation);
  const minuteRows = [];
  for (let i = 0; i + 6 < search.length; i += 6) {
    const [a, b] = [search[i], search[i + 6]];
    const rest = threads.slice(3).reduce((sum, k) => sum + perGen(a, b, k), 0);
    minuteRows.push(
      `| ${a.s}-${b.s} | ${genMs(a, b).toFixed(1)} | ${perGen(a, b, 'main').toFixed(2)} | ` +
        `${busiest.map((k) => perGen(a, b, k).toFixed(2)).join(' | ')} | ${rest.toFixed(2)} | ` +
        `${perGen(a, b, 'children').toFixed(2)} |`,
    );
  }
  console.log(
    '\nCPU ms per generation by thread (the three busiest after the main thread: the workers and the run ' +
      "writer; the rest: V8's helper threads and libuv's; children: the store's sync)\n\n" +
      `| s | wall ms/generation | main | ${busiest.map((k) => `thread ${k}`).join(' | ')} | other threads | children |\n` +
      `|---|---|---|${busiest.map(() => '---|').join('')}---|---|\n${minuteRows.join('\n')}`,
  );
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
