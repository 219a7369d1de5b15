// Rule leaves computed again when a generation is split over workers: node bench/leaf-split.mjs RUN_DIR [BUILD=dist]
// Each pool worker keeps its own leaf-bitset cache (src/engine/play/mask-rules.ts LeafCache), so a leaf
// that plays on two workers share is computed on each. This replays a finished run's evaluations (its
// gen-*.parquet files, in order) through one evaluator, then through two that take a generation's
// guided batches in turn (as two free workers would), on the bench's synthetic 140k-bar feeds, and
// counts leaves computed over all bars (LeafCache misses) and the rule time. Each generation's features
// are computed first, untimed, as the pool's feature stage does.
import fs from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = process.argv[2];
const build = path.resolve(process.argv[3] ?? path.join(root, 'dist'));
if (!run || !fs.existsSync(path.join(run, 'evaluations'))) {
  console.error('usage: node bench/leaf-split.mjs RUN_DIR (a run folder of forge evolve on the default play)');
  process.exit(1);
}
const P = await import(path.join(build, 'engine/play/index.js'));
const { leafCacheOf } = await import(path.join(build, 'engine/play/signals.js'));
const { MaskBuffers } = await import(path.join(build, 'engine/play/mask-rules.js'));
const { benchFeeds } = await import(path.join(build, 'forge/bench/dataset.js'));
const { guidedBatches } = await import(path.join(build, 'forge/eval/batches.js'));
const { LruFeatureCache } = await import(path.join(build, 'forge/eval/cache.js'));
const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8'));
const playText = config.playText ?? fs.readFileSync(path.join(root, 'configs/plays/default.yaml'), 'utf8');
const space = P.parsePlay(playText, 'play');
const feeds = benchFeeds();
const files = fs
  .readdirSync(path.join(run, 'evaluations'))
  .filter((f) => f.endsWith('.parquet'))
  .sort();
const generations = [];
for (const f of files) {
  const buf = fs.readFileSync(path.join(run, 'evaluations', f));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = await parquetReadObjects({ file: ab, columns: ['genome'] });
  generations.push(rows.map((r) => (typeof r.genome === 'string' ? JSON.parse(r.genome) : r.genome)));
}
const plays = generations.map((g) => g.map((genome) => P.resolvePlay(space, genome)));
const cpu = () => process.cpuUsage().user / 1000;

function replay(workers) {
  // One feature store (the pool's shared one, 512 MiB as its default), a leaf cache per worker: each
  // worker's cache object is its own key for leafCacheOf, over the same feature arrays.
  const store = new LruFeatureCache(512 * 1024 ** 2);
  const views = Array.from({ length: workers }, () => ({ get: (k) => store.get(k), set: (k, v) => store.set(k, v) }));
  const bufs = Array.from({ length: workers }, () => new MaskBuffers());
  const stage = { get: (k) => store.get(k), set: (k, v) => store.set(k, v) }; // its leaves are not counted
  let ms = 0;
  for (const gen of plays) {
    // Features of the generation first (the pool's feature stage), untimed.
    for (const p of gen) P.compileSignals(p, feeds, stage, bufs[0]);
    const before = views.map((v) => leafCacheOf(v).misses);
    const batches = guidedBatches(
      gen.map((_, i) => i),
      workers,
      4,
    );
    batches.forEach((at, b) => {
      const w = b % workers;
      const t = cpu();
      for (const i of at) P.compileSignals(gen[i], feeds, views[w], bufs[w]);
      ms += cpu() - t;
    });
    views.forEach((v, w) => {
      extra[w] += leafCacheOf(v).misses - before[w];
    });
  }
  const misses = extra.reduce((a, b) => a + b, 0);
  extra.fill(0);
  return { ms, misses };
}
const extra = [0, 0];
const evals = plays.reduce((s, g) => s + g.length, 0);
console.log(`${run}: ${generations.length} generations, ${evals} evaluations, ${feeds['15m'].length} bars`);
for (const w of [1, 2, 1, 2]) {
  const r = replay(w);
  console.log(
    `${w} leaf cache(s): leaves computed in the evaluation pass ${r.misses}; rules CPU ${(r.ms / 1000).toFixed(2)} s`,
  );
}
