#!/usr/bin/env node
// Would a smarter eviction policy let the feature store run at 128-256 MiB without computing more
// (issue 9 memory)? Replays a finished run's generations (the genomes each generation evaluated, from
// its run folder's Parquet files) through the pool's round logic (order, chunkItems, needOf, wiresOf)
// against the real FeatureStore (LRU), and against Belady's optimal eviction (the resident entry used
// again furthest in the future is evicted first) on the same rounds: no policy can compute fewer
// features than OPT. Counts only: no feature is computed. Usage:
//   node bench/feature-evict-sim.mjs RUN_DIR SLOT_VALUES [MiB...]
// SLOT_VALUES: the execution timeframe's bar count (a slot is that many float64). Build first.
import fs from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { parsePlay } from '../dist/engine/play/index.js';
import { chunkItems, itemFeatures, needOf, outputKey, wiresOf } from '../dist/forge/eval/feature-stage.js';
import { FeatureStore } from '../dist/forge/eval/feature-store.js';

const [runDir, slotValues, ...mibs] = process.argv.slice(2);
const slotBytes = Number(slotValues) * 8;
const stored = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
const space = parsePlay(stored.playText, stored.config.play);
const evalDir = path.join(runDir, 'evaluations');
const files = fs
  .readdirSync(evalDir)
  .filter((f) => f.endsWith('.parquet'))
  .sort();
const generations = [];
for (const f of files) {
  const buf = fs.readFileSync(path.join(evalDir, f));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({ file: ab, columns: ['genome'] });
  generations.push(rows.map((r) => (typeof r.genome === 'string' ? JSON.parse(r.genome) : r.genome)));
}
const featuresOf = generations.map((g) => itemFeatures(space, g));
const workingSets = featuresOf.map((all) => needOf(all).need.size);

/** The pool's map() round logic (pool.ts) against `store`; returns the rounds' need maps in order. */
function replay(store, onRound) {
  const fitsAll = (need) => store.fits(need);
  for (const all of featuresOf) {
    const order = all.map((_, i) => i);
    if (!fitsAll(needOf(all).need)) {
      const fresh = all.map((f) =>
        (f ?? [])
          .flatMap((r) => r.outputs.map((o) => outputKey(r.key, o)))
          .filter((k) => !store.has(k))
          .sort(),
      );
      const sig = fresh.map((keys) => keys.join('\n'));
      order.sort((a, b) => fresh[a].length - fresh[b].length || (sig[a] < sig[b] ? -1 : sig[a] > sig[b] ? 1 : a - b));
    }
    const features = order.map((i) => all[i]);
    for (const [start, end] of chunkItems(features, fitsAll)) onRound(needOf(features.slice(start, end)));
  }
}

function lru(capacity) {
  const store = new FeatureStore(capacity, slotBytes);
  const rounds = [];
  replay(store, ({ need, uses, owners }) => {
    rounds.push({ need, owners });
    store.recordComputed(wiresOf(store.admit(need, uses), owners).length);
  });
  return { stats: store.stats(), rounds };
}

/** Belady on a fixed round sequence: features computed (a feature counts once per round it is missing in). */
function opt(capacity, rounds) {
  const uses = new Map(); // output key -> round indices using it
  rounds.forEach(({ need }, r) => {
    for (const k of need.keys()) (uses.get(k) ?? uses.set(k, []).get(k)).push(r);
  });
  const cursor = new Map();
  const nextUse = (k, r) => {
    const list = uses.get(k);
    let i = cursor.get(k) ?? 0;
    while (i < list.length && list[i] <= r) i++;
    cursor.set(k, i);
    return i < list.length ? list[i] : Infinity;
  };
  const resident = new Set();
  let computed = 0;
  rounds.forEach(({ need, owners }, r) => {
    const missing = [...need.keys()].filter((k) => !resident.has(k));
    const free = capacity - resident.size;
    if (missing.length > free) {
      const victims = [...resident]
        .filter((k) => !need.has(k))
        .map((k) => [k, nextUse(k, r)])
        .sort((a, b) => b[1] - a[1])
        .slice(0, missing.length - free);
      for (const [k] of victims) resident.delete(k);
    }
    for (const k of missing) resident.add(k);
    computed += new Set(missing.map((k) => owners.get(k).req.key)).size;
  });
  return computed;
}

const ws = [...workingSets].sort((a, b) => a - b);
// What the columns are: a structure's or a crossing's states fit in one byte a bar, an indicator's do not.
const kinds = new Map();
for (const all of featuresOf) for (const [, { req }] of needOf(all).owners) kinds.set(`${req.key}`, req.def.kind);
const structures = [...kinds.values()].filter((k) => k === 'structure').length;
console.log(
  `${runDir}: ${generations.length} generations, ${generations.flat().length} evaluations; ` +
    `columns a generation reads: gen 0 ${workingSets[0]}, median ${ws[ws.length >> 1]}, max ${ws.at(-1)} ` +
    `(${(slotBytes / 2 ** 20).toFixed(2)} MiB each); distinct features ${kinds.size}, of them structures ${structures}`,
);
console.log('| budget MiB | slots | LRU computed | LRU evictions | OPT computed (lower bound, same rounds) |');
console.log('|---|---|---|---|---|');
for (const m of mibs.length ? mibs.map(Number) : [1024, 512, 256, 192, 128, 96, 64]) {
  const capacity = Math.floor((m * 2 ** 20) / slotBytes);
  const { stats, rounds } = lru(capacity);
  console.log(`| ${m} | ${capacity} | ${stats.computed} | ${stats.evictions} | ${opt(capacity, rounds)} |`);
}
