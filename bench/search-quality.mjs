#!/usr/bin/env node
// Issue 11 point 6: how much of the optimum each search finds per distinct evaluation spent.
//
// 1. An enumerable space (bench/plays/search-quality.yaml: SMA fast 2..101 x slow 20..119 x long-only
//    or reverse = 20,000 plays) on real BTC hourly bars (../shared/data/BTCUSD_1h.csv, 36,577 bars) is
//    evaluated exhaustively with forge's own evaluator (in-process, cached in the OS temp folder by
//    content hash), which gives the optimum. Then forge's GA (`method: ga`), forge's random search
//    (`method: random`) and a DEAP-eaSimple-style GA written here (tournament 3, uniform crossover
//    cxpb 0.5, uniform-int mutation mutpb 0.2 with indpb 1/genes, generational, no elites) each run at
//    budgets of 300 and 1,500 distinct evaluations over 10 seeds, looking fitness up in the table
//    (the same numbers forge's evaluator gave): median best as % of the optimum, seeds that reach it,
//    search wall per run (lookups, so this is the search's own overhead).
// 2. A large space (configs/plays/wf_trend_1h.yaml, ~10^8 plays) on the same bars with the real
//    evaluator: forge's GA against random search at equal budgets, 3 seeds.
// Usage: node bench/search-quality.mjs [--seeds 10] [--large-seeds 3] [--first-seed 1]. Build first.
// forge's GA runs with its defaults (a budget sizes the population: budget / 20 within [16, 150]) and
// once more as it was before local steps and the Latin-hypercube start (ga.local_share: 0, ga.init:
// uniform), so the table shows what they change.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const { createEvaluator } = await dist('forge/eval/evaluator.js');
const { csvFeed } = await dist('forge/csv-feed.js');
const { resolveFitness } = await dist('forge/fitness.js');
const { evolve, initialState } = await dist('forge/ga/optimizer.js');
const { resolveGAOptions } = await dist('forge/ga/options.js');
const { gridPoint, gridSize } = await dist('forge/ga/grid.js');
const { playIdentity } = await dist('forge/ga/play-identity.js');
const { EvaluatedSet } = await dist('forge/ga/evaluated.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const SEEDS = arg('seeds', 10);
const LARGE_SEEDS = arg('large-seeds', 3);
const FIRST = arg('first-seed', 1);
const BUDGETS = [300, 1500];
const csv = path.resolve(root, process.env.FORGE_SHARED_DATA ?? '../shared/data', 'BTCUSD_1h.csv');
if (!fs.existsSync(csv))
  throw new Error(`${csv} is missing: set FORGE_SHARED_DATA to the folder holding BTCUSD_1h.csv`);

const feed = csvFeed(csv, '1h', 'FORGE_SHARED_DATA');
const fitnessSpec = resolveFitness({});
function evaluatorFor(playFile) {
  const playText = fs.readFileSync(playFile, 'utf8');
  const job = {
    playText,
    playFile,
    cash: 10_000,
    inSample: [feed.time[0], feed.time[feed.length - 1] + 1],
    outOfSample: null,
    fitness: fitnessSpec,
    cacheBytes: 512 * 1024 * 1024,
  };
  return { playText, evaluator: createEvaluator(job, { '1h': feed }) };
}

// ---- 1. the enumerable space, exhaustively ----
const smallPlay = path.join(root, 'bench/plays/search-quality.yaml');
const small = evaluatorFor(smallPlay);
const genes = small.evaluator.space.genes;
const size = gridSize(genes);
const hash = createHash('sha256')
  .update(small.playText)
  .update(fs.readFileSync(csv))
  .update(JSON.stringify(fitnessSpec))
  .digest('hex')
  .slice(0, 16);
const tableFile = path.join(os.tmpdir(), `forge-search-quality-${hash}.json`);
let table;
let exhaustiveMs = null;
if (fs.existsSync(tableFile)) {
  table = new Float64Array(JSON.parse(fs.readFileSync(tableFile, 'utf8')));
} else {
  const t = performance.now();
  table = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    table[i] = small.evaluator.evaluate(gridPoint(genes, i)).fitness;
    if (i % 2000 === 1999) process.stderr.write(`exhaustive: ${i + 1}/${size}\n`);
  }
  exhaustiveMs = performance.now() - t;
  fs.writeFileSync(tableFile, JSON.stringify([...table]));
}
const indexOf = (g) =>
  genes.reduce(
    (idx, gene, i) =>
      idx * (Math.round((gene.max - gene.min) / (gene.step ?? 1)) + 1) +
      Math.round((g[i] - gene.min) / (gene.step ?? 1)),
    0,
  );
const lookup = (g) => table[indexOf(g)];
let optimum = -Infinity;
let optimumAt = 0;
for (let i = 0; i < size; i++) if (table[i] > optimum) [optimum, optimumAt] = [table[i], i];

/** forge's own search (method ga or random) at a budget: its best fitness. */
async function forgeSearch(method, budget, seed, evaluate, g = genes, identity, extra = {}) {
  const o = resolveGAOptions({ method, budget, ...extra });
  const state = await evolve(g, o, initialState(g, o, seed), {
    evaluate: async (gs) => gs.map((x) => ({ fitness: evaluate(x) })),
    identity,
  });
  if (state.evaluated !== budget) throw new Error(`${method} seed ${seed}: spent ${state.evaluated} of ${budget}`);
  return state.hallOfFame[0].evaluation.fitness;
}

/**
 * DEAP's eaSimple (algorithms.py) with its tutorial operators: selTournament(3), varAnd with cxUniform
 * (indpb 0.5) at cxpb 0.5 and mutUniformInt (indpb 1/genes) at mutpb 0.2, no elitism, population 50.
 * Fitness is cached and only distinct evaluations count against the budget, as for forge.
 */
function deapEaSimple(budget, seed, evaluate, g = genes, pop = 50) {
  const rng = seedrandom(`deap-${seed}`);
  const randInt = (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
  const randomInd = () => g.map((x) => randInt(x.min, x.max));
  const cache = new Map();
  let best = -Infinity;
  const fitnessOf = (ind) => {
    const key = ind.join(',');
    let f = cache.get(key);
    if (f === undefined) {
      if (cache.size >= budget) return undefined;
      f = evaluate(ind);
      cache.set(key, f);
      if (f > best) best = f;
    }
    return f;
  };
  let population = Array.from({ length: pop }, randomInd);
  let fitness = population.map(fitnessOf);
  for (let gen = 0; cache.size < budget && gen < 10_000; gen++) {
    const chosen = Array.from({ length: pop }, () => {
      let b = randInt(0, pop - 1);
      for (let k = 1; k < 3; k++) {
        const c = randInt(0, pop - 1);
        if (fitness[c] > fitness[b]) b = c;
      }
      return population[b].slice();
    });
    for (let i = 1; i < pop; i += 2) {
      if (rng() >= 0.5) continue;
      for (let j = 0; j < g.length; j++) {
        const swap = rng() < 0.5;
        if (swap) [chosen[i - 1][j], chosen[i][j]] = [chosen[i][j], chosen[i - 1][j]];
      }
    }
    for (const ind of chosen)
      if (rng() < 0.2)
        for (let j = 0; j < g.length; j++) if (rng() < 1 / g.length) ind[j] = randInt(g[j].min, g[j].max);
    population = chosen;
    fitness = population.map((ind) => fitnessOf(ind) ?? -Infinity);
  }
  return best;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x) => `${((x / optimum) * 100).toFixed(2)} %`;

const BEFORE = { localShare: 0, init: 'uniform' };
const methods = {
  'forge GA (defaults)': (budget, seed) => forgeSearch('ga', budget, seed, lookup),
  'forge GA, no local steps, uniform init': (budget, seed) =>
    forgeSearch('ga', budget, seed, lookup, genes, undefined, BEFORE),
  'forge random': (budget, seed) => forgeSearch('random', budget, seed, lookup),
  'DEAP eaSimple-style': async (budget, seed) => deapEaSimple(budget, seed, lookup),
};
console.log(`## Search quality (bench/search-quality.mjs), ${new Date().toISOString().slice(0, 16)} UTC`);
console.log(
  `\nEnumerable space: ${path.relative(root, smallPlay)} on ${path.basename(csv)} (${feed.length.toLocaleString('en-US')} bars), ` +
    `${size.toLocaleString('en-US')} plays, fitness ${fitnessSpec.objective} (min ${fitnessSpec.minTrades} trades, max drawdown ${fitnessSpec.maxDrawdown}).`,
);
console.log(
  `Exhaustive evaluation: ${exhaustiveMs === null ? `cached in ${tableFile}` : `${(exhaustiveMs / 1000).toFixed(1)} s in-process`}; ` +
    `optimum ${optimum.toFixed(4)} at ${JSON.stringify(gridPoint(genes, optimumAt))}.`,
);
console.log(
  `\n| method | budget | median best (% of optimum) | worst seed | seeds at the optimum | ms per run |\n|---|---|---|---|---|---|`,
);
for (const budget of BUDGETS) {
  for (const [name, run] of Object.entries(methods)) {
    const bests = [];
    const t = performance.now();
    for (let seed = FIRST; seed < FIRST + SEEDS; seed++) bests.push(await run(budget, seed));
    const ms = (performance.now() - t) / SEEDS;
    const hits = bests.filter((b) => b === optimum).length;
    console.log(
      `| ${name} | ${budget} | ${pct(median(bests))} | ${pct(Math.min(...bests))} | ${hits}/${SEEDS} | ${ms.toFixed(0)} |`,
    );
  }
}

// ---- 2. a large space with the real evaluator ----
if (LARGE_SEEDS > 0) {
  const largePlay = path.join(root, 'configs/plays/wf_trend_1h.yaml');
  const large = evaluatorFor(largePlay);
  const lgenes = large.evaluator.space.genes;
  const identity = new EvaluatedSet(playIdentity(large.evaluator.space)).identity;
  const evaluate = (g) => large.evaluator.evaluate(g).fitness;
  console.log(
    `\nLarge space: ${path.relative(root, largePlay)} (${lgenes.length} genes, ${gridSize(lgenes).toExponential(1)} plays) on the same bars, real evaluator, ${LARGE_SEEDS} seeds.`,
  );
  console.log(`\n| method | budget | best fitness per seed | median | s per run |\n|---|---|---|---|---|`);
  for (const budget of BUDGETS) {
    for (const [name, method, extra] of [
      ['ga (defaults)', 'ga', {}],
      ['ga, no local steps, uniform init', 'ga', BEFORE],
      ['random', 'random', {}],
    ]) {
      const bests = [];
      const t = performance.now();
      for (let seed = FIRST; seed < FIRST + LARGE_SEEDS; seed++)
        bests.push(await forgeSearch(method, budget, seed, evaluate, lgenes, identity, extra));
      console.log(
        `| forge ${name} | ${budget} | ${bests.map((b) => b.toFixed(3)).join(', ')} | ${median(bests).toFixed(3)} | ${((performance.now() - t) / 1000 / LARGE_SEEDS).toFixed(1)} |`,
      );
    }
  }
}
