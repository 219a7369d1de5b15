#!/usr/bin/env node
// The new search (issue 11: no wasted slots, play identities, restarts) against the old behaviour at an
// equal number of slots: population 50 x 30 generations on configs/plays/wf_trend_1h.yaml over the real
// BTC hourly file, seeds 1-4, best fitness / distinct plays evaluated per seed. Build first.
// Usage: node bench/search-old-vs-new.mjs '[{"restartAfter":5},{"restartAfter":0,"retries":0,"noid":1}]'
// ("noid": without the play identity, i.e. genomes compared as numbers, as before issue 11)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const d = (p) => import(root + '/dist/' + p);
const { evolve, initialState } = await d('forge/ga/optimizer.js');
const { resolveGAOptions } = await d('forge/ga/options.js');
const { createEvaluator } = await d('forge/eval/evaluator.js');
const { csvFeed } = await d('forge/csv-feed.js');
const { resolveFitness } = await d('forge/fitness.js');
const { playIdentity } = await d('forge/ga/play-identity.js');
const { EvaluatedSet } = await d('forge/ga/evaluated.js');
const feed = csvFeed(
  path.resolve(root, process.env.FORGE_SHARED_DATA ?? '../shared/data', 'BTCUSD_1h.csv'),
  '1h',
  'FORGE_SHARED_DATA',
);
const playFile = root + '/configs/plays/wf_trend_1h.yaml';
const ev = createEvaluator(
  {
    playText: fs.readFileSync(playFile, 'utf8'),
    playFile,
    cash: 10000,
    inSample: [feed.time[0], feed.time[feed.length - 1] + 1],
    outOfSample: null,
    fitness: resolveFitness({}),
    cacheBytes: 512 << 20,
  },
  { '1h': feed },
);
const genes = ev.space.genes;
const identity = new EvaluatedSet(playIdentity(ev.space)).identity;
for (const c of JSON.parse(process.argv[2])) {
  const bests = [];
  for (let seed = 1; seed <= 4; seed++) {
    const { noid, ...ga } = c;
    const o = resolveGAOptions({ population: 50, generations: 30, ...ga });
    const s = await evolve(genes, o, initialState(genes, o, seed), {
      evaluate: async (gs) => gs.map((g) => ({ fitness: ev.evaluate(g).fitness })),
      identity: c.noid ? undefined : identity,
    });
    bests.push(s.hallOfFame[0].evaluation.fitness.toFixed(3) + '/' + s.evaluated);
  }
  console.log(JSON.stringify(c), bests.join(' '));
}
