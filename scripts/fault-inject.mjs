#!/usr/bin/env node
// Fault injection: kill -9 forge processes at random (seeded) moments, N times per target, and check
// the invariants that must survive any kill (issue 10):
//   evolve    killed runs, resumed with --resume, end byte for byte like an uninterrupted run
//             (hall_of_fame.json, generations.json, the evaluation files' names); checkpoint.json
//             always parses between kills;
//   import    `data import` is all or nothing: after a kill the store holds none or all of the file's
//             bars (and the store opens); the next import holds them all;
//   datasets  `datasets build`: the dataset pointer always names a complete version (loadDataset
//             checks its content hash): the previous build's or the killed one's, never neither;
//   fetch     `data fetch` from a local archive (scripts/local-archive.mjs on 127.0.0.1): the store holds
//             none or all of the fetched bars, every zip in the cache matches its .CHECKSUM (a partial
//             download is never one a rerun would trust), and the rerun completes the import;
//   and after the next uninterrupted run, no leftovers: no lock, temp file or half-built version.
//
//   node scripts/fault-inject.mjs [--runs N] [--seed S] [--targets evolve,import,datasets,fetch] [--json]
//
// Run from a built checkout (npm run build): the CLI and the checks run from dist/. Exit 0 when every
// invariant held, 1 with the violations listed otherwise. Kill moments are uniform over the measured
// length of an uninterrupted run of the same target, drawn from seedrandom(seed/target).

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { monthlyKlines, serveArchive } from './local-archive.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const BIN = path.join(ROOT, 'bin', 'forge.js');
const DIST = path.join(ROOT, 'dist');

const CATALOG = `datasets:
  - name: FAULT_SMALL
    symbol: TESTUSDT
    base: 15m
    derived: [1h, 4h, 1d]
    from: 2021-01-01
    to: 2021-01-15
    regime: cycle
    description: two weeks of synthetic 15m bars for the fault-injection script
`;

/** A failed invariant: the target, the trial and what was found. */
class Violation extends Error {}

function fail(message) {
  throw new Violation(message);
}

function freshHome(tag) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `forge-fault-${tag}-`));
  fs.mkdirSync(path.join(dir, 'datasets'));
  fs.writeFileSync(path.join(dir, 'datasets', 'catalog.yaml'), CATALOG);
  return dir;
}

/** Runs the CLI to its end: { code, stdout, stderr, ms }. */
function forge(args, home) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args, '--home', home], {
      cwd: home,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

/**
 * Runs the CLI and kills it with SIGKILL `ms` after `ready()` first holds (polled every 5 ms; by
 * default at once); whether the kill landed before the process ended.
 */
function forgeKilledAfter(args, home, ms, ready = () => true) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--home', home, '--quiet'], { cwd: home, stdio: 'ignore' });
    let timer = null;
    const poll = setInterval(() => {
      if (timer !== null || !ready()) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill('SIGKILL'), ms);
    }, 5);
    child.once('exit', (code, signal) => {
      clearInterval(poll);
      if (timer !== null) clearTimeout(timer);
      resolve({ killed: signal === 'SIGKILL', code });
    });
  });
}

function ok(r, what) {
  if (r.code !== 0) fail(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

/** Files under `dir` (relative) matching a leftover pattern: locks, temp files, old/tmp folders. */
function leftovers(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /(^|\/)(run\.lock|build\.lock)$|\.tmp-\d+|\.old-\d+|\.part-\d+$/.test(f));
}

// ---- evolve ---------------------------------------------------------------------------------------

const EVOLVE = [
  'evolve',
  '--dataset',
  'FAULT_SMALL',
  '--play',
  path.join(ROOT, 'configs/plays/default.yaml'),
  '--pop',
  '8',
  '--generations',
  '4',
  '--seed',
  '7',
  '--min-trades',
  '1',
  '--workers',
  '1',
  '--synthetic',
];

function runArtefacts(runDir) {
  const evaluations = path.join(runDir, 'evaluations');
  return {
    hof: fs.readFileSync(path.join(runDir, 'hall_of_fame.json'), 'utf8'),
    stats: fs.readFileSync(path.join(runDir, 'generations.json'), 'utf8'),
    parquet: fs
      .readdirSync(evaluations)
      .filter((f) => f.endsWith('.parquet'))
      .sort()
      .join(','),
  };
}

const evolveTarget = {
  name: 'evolve',
  async reference() {
    const home = freshHome('evolve-ref');
    const r = ok(await forge([...EVOLVE, '--json'], home), 'the uninterrupted evolve');
    const out = JSON.parse(r.stdout);
    return { runId: out.runId, files: runArtefacts(out.runDir), ms: r.ms, home };
  },
  async run(ref, rng, runs, log) {
    const home = freshHome('evolve');
    const runDir = path.join(home, 'runs', ref.runId);
    const checkpoint = path.join(runDir, 'checkpoint.json');
    const generationNow = (k, when) => {
      if (!fs.existsSync(checkpoint)) return -1;
      try {
        return JSON.parse(fs.readFileSync(checkpoint, 'utf8')).state.generation;
      } catch (e) {
        return fail(`evolve trial ${k}: checkpoint.json does not parse ${when}: ${e.message}`);
      }
    };
    // Each kill lands at a seeded moment: the first anywhere in a whole run (dataset build, start-up,
    // a generation), the later ones a seeded delay after a seeded generation's checkpoint appears.
    const generations = Number(EVOLVE[EVOLVE.indexOf('--generations') + 1]);
    for (let k = 0; k < runs; k++) {
      const after = k === 0 ? -1 : Math.floor(rng() * generations);
      const ms = Math.round(rng() * (k === 0 ? ref.ms : ref.ms / generations));
      const ready = () => after < 0 || generationNow(k, 'while the run writes') >= after;
      const { killed } = await forgeKilledAfter(EVOLVE, home, ms, ready);
      const generation = generationNow(k, 'after the kill');
      const when = after < 0 ? `${ms} ms after start` : `${ms} ms after checkpoint ${after}`;
      log(
        `evolve   trial ${k}: ${killed ? 'killed' : 'ended before the kill'} ${when}, checkpoint at generation ${generation}`,
      );
    }
    const resume = fs.existsSync(path.join(runDir, 'config.json'))
      ? ['evolve', '--resume', ref.runId, '--workers', '1']
      : EVOLVE;
    const out = JSON.parse(ok(await forge([...resume, '--json'], home), `evolve ${resume[1]}`).stdout);
    if (out.runId !== ref.runId) fail(`evolve: the resumed run is ${out.runId}, the uninterrupted one ${ref.runId}`);
    const got = runArtefacts(runDir);
    for (const key of ['hof', 'stats', 'parquet']) {
      if (got[key] !== ref.files[key])
        fail(`evolve: ${key} after the kills and --resume differs from the uninterrupted run's`);
    }
    const left = leftovers(home);
    if (left.length) fail(`evolve: leftovers after the resumed run: ${left.join(', ')}`);
    fs.rmSync(home, { recursive: true, force: true });
  },
};

// ---- import ---------------------------------------------------------------------------------------

/** A seeded hourly random walk as CSV (the shared data's layout), `bars` rows. */
function writeCsv(file, bars, rng) {
  const lines = ['datetime,open,high,low,close,volume'];
  let close = 100;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < bars; i++) {
    const open = close;
    close = Math.max(1, open * (1 + (rng() - 0.5) * 0.02));
    const high = Math.max(open, close) * (1 + rng() * 0.005);
    const low = Math.min(open, close) * (1 - rng() * 0.005);
    const t = new Date(t0 + i * 3_600_000).toISOString().replace('T', ' ').replace('.000Z', '+00:00');
    lines.push(
      `${t},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${(rng() * 1000).toFixed(2)}`,
    );
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const IMPORT_BARS = 8_000;

async function storedBars(home, symbol = 'FAULTUSDT') {
  const { listStored } = await import(path.join(DIST, 'forge/store/ls.js'));
  const { forgeHome } = await import(path.join(DIST, 'forge/home.js'));
  const storePath = forgeHome(home).storePath;
  if (!fs.existsSync(storePath)) return 0;
  const listing = await listStored(storePath);
  return listing.series.filter((s) => s.symbol === symbol && s.tf === '1h').reduce((n, s) => n + s.bars, 0);
}

const importTarget = {
  name: 'import',
  async reference(seed) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-fault-csv-'));
    const csv = path.join(dir, 'FAULT_1h.csv');
    writeCsv(csv, IMPORT_BARS, seedrandom(`${seed}/csv`));
    const home = freshHome('import-ref');
    const r = ok(
      await forge(['data', 'import', csv, '--symbol', 'FAULTUSDT', '--tf', '1h', '--json'], home),
      'the uninterrupted import',
    );
    const bars = await storedBars(home);
    if (bars !== IMPORT_BARS) fail(`import: an uninterrupted import stored ${bars} bars of ${IMPORT_BARS}`);
    return { csv, ms: r.ms, home, dir };
  },
  async run(ref, rng, runs, log) {
    const args = ['data', 'import', ref.csv, '--symbol', 'FAULTUSDT', '--tf', '1h'];
    for (let k = 0; k < runs; k++) {
      // A fresh store each time, so "none" is an empty store and "all" the whole file.
      const home = freshHome('import');
      const ms = Math.round(rng() * ref.ms);
      const { killed } = await forgeKilledAfter(args, home, ms);
      const bars = await storedBars(home);
      if (bars !== 0 && bars !== IMPORT_BARS)
        fail(`import trial ${k}: a kill at ${ms} ms left ${bars} of ${IMPORT_BARS} bars (not all or nothing)`);
      log(
        `import   trial ${k}: ${killed ? 'killed' : 'ended before the kill'} at ${ms} ms, ${bars === 0 ? 'nothing' : 'everything'} stored`,
      );
      ok(await forge(args, home), `import trial ${k}: the import after the kill`);
      const after = await storedBars(home);
      if (after !== IMPORT_BARS)
        fail(`import trial ${k}: the import after the kill stored ${after} of ${IMPORT_BARS} bars`);
      const left = leftovers(home);
      if (left.length) fail(`import trial ${k}: leftovers after the next import: ${left.join(', ')}`);
      fs.rmSync(home, { recursive: true, force: true });
    }
  },
};

// ---- datasets build -------------------------------------------------------------------------------

async function loadedSeed(home) {
  const { loadDataset } = await import(path.join(DIST, 'forge/datasets/load.js'));
  const { forgeHome } = await import(path.join(DIST, 'forge/home.js'));
  return (await loadDataset(forgeHome(home), 'FAULT_SMALL')).manifest.seed;
}

const buildArgs = (seed) => ['datasets', 'build', 'FAULT_SMALL', '--synthetic', '--seed', seed];

const datasetsTarget = {
  name: 'datasets',
  async reference() {
    const home = freshHome('datasets');
    const r = ok(await forge(buildArgs('s0'), home), 'the first datasets build');
    return { home, ms: r.ms };
  },
  async run(ref, rng, runs, log) {
    const { home } = ref;
    let seed = 's0';
    for (let k = 0; k < runs; k++) {
      const next = `s${k + 1}`;
      const ms = Math.round(rng() * ref.ms);
      const { killed } = await forgeKilledAfter(buildArgs(next), home, ms);
      let loaded;
      try {
        loaded = await loadedSeed(home); // checks the version's content hash
      } catch (e) {
        fail(`datasets trial ${k}: after a kill at ${ms} ms the dataset does not load: ${e.message}`);
      }
      if (loaded !== seed && loaded !== next)
        fail(`datasets trial ${k}: the pointer names seed ${loaded}, neither the old ${seed} nor the new ${next}`);
      log(
        `datasets trial ${k}: ${killed ? 'killed' : 'ended before the kill'} at ${ms} ms, ${loaded === seed ? 'old' : 'new'} version loads`,
      );
      seed = loaded;
    }
    ok(await forge(buildArgs('last'), home), 'the datasets build after the kills');
    if ((await loadedSeed(home)) !== 'last') fail('datasets: the build after the kills is not the one that loads');
    const dir = path.join(home, 'datasets', 'FAULT_SMALL');
    const versions = fs.readdirSync(dir).filter((f) => f !== 'current.json');
    if (versions.length !== 1)
      fail(`datasets: after the next build the dataset folder holds ${versions.join(', ')} (expected one version)`);
    const left = [...leftovers(home), ...fs.readdirSync(path.join(home, 'datasets')).filter((f) => f.startsWith('.'))];
    if (left.length) fail(`datasets: leftovers after the next build: ${left.join(', ')}`);
  },
};

// ---- data fetch ----------------------------------------------------------------------------------

const FETCH_SYMBOL = 'FETCHUSDT';
const FETCH_FROM = Date.UTC(2023, 0, 1);
const FETCH_TO = Date.UTC(2023, 3, 1); // three monthly files
const fetchArgs = (baseUrl) => [
  'data',
  'fetch',
  '--symbol',
  FETCH_SYMBOL,
  '--tf',
  '1h',
  '--from',
  '2023-01-01',
  '--to',
  '2023-04-01',
  '--base-url',
  baseUrl,
];

/** Zips in the cache that do not match their .CHECKSUM: files a rerun would trust but must not. */
function untrustworthyZips(home) {
  const dir = path.join(home, 'cache', 'binance', 'data', 'spot', 'monthly', 'klines', FETCH_SYMBOL, '1h');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.zip') && fs.existsSync(path.join(dir, `${f}.CHECKSUM`)))
    .filter((f) => {
      const want = fs.readFileSync(path.join(dir, `${f}.CHECKSUM`), 'utf8').split(/\s+/)[0];
      return (
        crypto
          .createHash('sha256')
          .update(fs.readFileSync(path.join(dir, f)))
          .digest('hex') !== want
      );
    });
}

const fetchTarget = {
  name: 'fetch',
  async reference() {
    const archive = monthlyKlines({
      symbol: FETCH_SYMBOL,
      tf: '1h',
      tfMs: 3_600_000,
      from: FETCH_FROM,
      to: FETCH_TO,
      price: (t, i) => 20000 + 3000 * Math.sin(t / 5e9) + 30 * Math.sin(i / 5),
    });
    const server = await serveArchive(archive.files);
    const home = freshHome('fetch-ref');
    try {
      const r = ok(await forge(fetchArgs(server.baseUrl), home), 'the uninterrupted fetch');
      const bars = await storedBars(home, FETCH_SYMBOL);
      if (bars !== archive.bars) fail(`fetch: an uninterrupted fetch stored ${bars} bars of ${archive.bars}`);
      return { ms: r.ms, home, server, bars: archive.bars };
    } catch (e) {
      await server.close();
      throw e;
    }
  },
  async run(ref, rng, runs, log) {
    const args = fetchArgs(ref.server.baseUrl);
    try {
      for (let k = 0; k < runs; k++) {
        // A fresh home each time: "unchanged" is an empty store, "fully imported" every bar.
        const home = freshHome('fetch');
        const ms = Math.round(rng() * ref.ms);
        const { killed } = await forgeKilledAfter(args, home, ms);
        const bars = await storedBars(home, FETCH_SYMBOL);
        if (bars !== 0 && bars !== ref.bars)
          fail(`fetch trial ${k}: a kill at ${ms} ms left ${bars} of ${ref.bars} bars (not all or nothing)`);
        const bad = untrustworthyZips(home);
        if (bad.length)
          fail(`fetch trial ${k}: after a kill at ${ms} ms the cache holds damaged zips: ${bad.join(', ')}`);
        log(
          `fetch    trial ${k}: ${killed ? 'killed' : 'ended before the kill'} at ${ms} ms, ${bars === 0 ? 'nothing' : 'everything'} stored`,
        );
        ok(await forge(args, home), `fetch trial ${k}: the fetch after the kill`);
        const after = await storedBars(home, FETCH_SYMBOL);
        if (after !== ref.bars) fail(`fetch trial ${k}: the fetch after the kill stored ${after} of ${ref.bars} bars`);
        const left = leftovers(home);
        if (left.length) fail(`fetch trial ${k}: leftovers after the next fetch: ${left.join(', ')}`);
        fs.rmSync(home, { recursive: true, force: true });
      }
    } finally {
      await ref.server.close();
    }
  },
};

const TARGETS = { evolve: evolveTarget, import: importTarget, datasets: datasetsTarget, fetch: fetchTarget };

// ---- main -----------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { runs: 3, seed: 'fault', targets: ['evolve', 'import', 'datasets', 'fetch'], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--seed') opts.seed = String(argv[++i]);
    else if (a === '--targets') opts.targets = String(argv[++i]).split(',').filter(Boolean);
    else if (a === '--json') opts.json = true;
    else
      throw new Error(
        `unknown argument ${a}: use --runs N, --seed S, --targets ${Object.keys(TARGETS).join(',')}, --json`,
      );
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1)
    throw new Error(`--runs must be a whole number >= 1, got ${opts.runs}`);
  for (const t of opts.targets)
    if (!(t in TARGETS)) throw new Error(`unknown target ${t}: the targets are ${Object.keys(TARGETS).join(', ')}`);
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(DIST, 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const log = (line) => {
    if (!opts.json) process.stderr.write(line + '\n');
  };
  const results = [];
  for (const name of opts.targets) {
    const target = TARGETS[name];
    const t0 = Date.now();
    let ref;
    try {
      ref = await target.reference(opts.seed);
      log(`${name}: uninterrupted run ${ref.ms} ms; ${opts.runs} kills at seeded moments within it`);
      await target.run(ref, seedrandom(`${opts.seed}/${name}`), opts.runs, log);
      results.push({ target: name, status: 'ok', runs: opts.runs, ms: Date.now() - t0 });
    } catch (e) {
      if (!(e instanceof Violation)) throw e;
      log(`${name}: VIOLATION ${e.message}`);
      results.push({ target: name, status: 'violation', message: e.message, ms: Date.now() - t0 });
    } finally {
      for (const dir of [ref?.home, ref?.dir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const violations = results.filter((r) => r.status === 'violation');
  if (opts.json)
    process.stdout.write(
      JSON.stringify({ ok: violations.length === 0, seed: opts.seed, runs: opts.runs, results }) + '\n',
    );
  else log(violations.length === 0 ? 'every invariant held' : `${violations.length} target(s) broke an invariant`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`fault-inject: ${e.message}\n`);
  process.exitCode = 2;
});
