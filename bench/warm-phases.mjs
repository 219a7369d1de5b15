// Warm backtest phases in CPU time: node bench/warm-phases.mjs [BUILD_DIR=dist] [LEVEL=L5] [runs=200]
// (build first: npm run build). Two figures on the bench's 140k-bar synthetic 15m feed, features cached:
// - runPlay of the level's default genome (what `forge bench` reports as warm ms: a fresh equity curve
//   and computeMetrics), split into compileSignals / simulate / computeMetrics;
// - the GA evaluator's path over 40 seeded random genomes (reused bitsets, no curve, leanMetrics), with
//   the rule leaves kept ("warm leaves") and with a fresh leaf cache per evaluation ("fresh leaves").
// CPU time (process.cpuUsage), so a loaded machine inflates it less than wall time; compare builds by
// alternating runs (e.g. a build of main against this one).
import path from 'node:path';
import seedrandom from 'seedrandom';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const level = process.argv[3] ?? 'L5';
const N = Number(process.argv[4] ?? 200);
const P = await import(path.join(build, 'engine/play/index.js'));
const { MaskBuffers } = await import(path.join(build, 'engine/play/mask-rules.js'));
const { simulate } = await import(path.join(build, 'engine/sim/simulate.js'));
const { SimScratch } = await import(path.join(build, 'engine/sim/trades.js'));
const { computeMetrics } = await import(path.join(build, 'engine/metrics/metrics.js'));
const { leanMetrics } = await import(path.join(build, 'engine/metrics/lean.js'));
const { benchFeeds } = await import(path.join(build, 'forge/bench/dataset.js'));
const { levelPlayText, selectLevels } = await import(path.join(build, 'forge/bench/levels.js'));
const feeds = benchFeeds();
const space = P.parsePlay(levelPlayText(selectLevels(level)[0]), 'bench');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const ms = (t, k) => t.map((x) => (x / k).toFixed(3)).join(' / ');

// runPlay, default genome.
const play = P.resolvePlay(space, P.defaultGenome(space.genes));
const cache = new P.MapFeatureCache();
for (let r = 0; r < 20; r++) P.runPlay(play, feeds, { cache });
const config = P.simConfigOf(play);
const firstBar = Math.min(P.playWarmup(play), feeds[play.market.tf].length - 1);
const parts = [0, 0, 0];
for (let r = 0; r < N; r++) {
  const c0 = cpu();
  const { feed, masks, atr } = P.compileSignals(play, feeds, cache);
  const c1 = cpu();
  const res = simulate(feed, masks, config, atr);
  const c2 = cpu();
  computeMetrics(feed, res, config, { firstBar });
  const c3 = cpu();
  parts[0] += c1 - c0;
  parts[1] += c2 - c1;
  parts[2] += c3 - c2;
}
const c0 = cpu();
for (let r = 0; r < N; r++) P.runPlay(play, feeds, { cache });
const whole = (cpu() - c0) / N;
console.log(`${level} runPlay warm CPU ms: ${whole.toFixed(3)} (rules / simulate / metrics ${ms(parts, N)})`);

// The GA evaluator's path.
const rng = seedrandom('warm-phases');
const plays = Array.from({ length: 40 }, () => P.resolvePlay(space, P.randomGenome(space.genes, rng)));
const bufs = new MaskBuffers();
const scratch = new SimScratch();
scratch.keepEquity = false;
const freshLeaves = () => ({ get: (k) => cache.get(k), set: (k, v) => cache.set(k, v) });
function evaluate(p, c, t) {
  const a = cpu();
  const { feed, masks, atr } = P.compileSignals(p, feeds, c, bufs);
  const b = cpu();
  const conf = P.simConfigOf(p);
  const res = simulate(feed, masks, conf, atr, scratch);
  const d = cpu();
  leanMetrics(feed, res, conf, { firstBar: Math.min(P.playWarmup(p), feed.length - 1) });
  const e = cpu();
  if (t) {
    t[0] += b - a;
    t[1] += d - b;
    t[2] += e - d;
  }
}
for (let r = 0; r < 3; r++) for (const p of plays) evaluate(p, cache, null);
const warm = [0, 0, 0];
const fresh = [0, 0, 0];
for (let r = 0; r < 3; r++) for (const p of plays) evaluate(p, cache, warm);
for (let r = 0; r < 3; r++) for (const p of plays) evaluate(p, freshLeaves(), fresh);
const k = 3 * plays.length;
console.log(
  `${level} GA path CPU ms (rules / simulate / metrics): warm leaves ${ms(warm, k)}; fresh leaves ${ms(fresh, k)}`,
);
