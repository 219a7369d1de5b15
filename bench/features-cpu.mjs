// Feature kernels by CPU time: node bench/features-cpu.mjs BUILD_DIR [runs]  (build first: npm run build).
// Like bench/kernels.mjs, but each call is timed with process.cpuUsage (user + system of this process), so
// time spent waiting for a core on a shared, loaded machine is not counted; page faults are (system time).
// Prints one JSON object: per feature [median ms allocating, median ms into a touched `out`] on the bench's
// 140k-bar 15m feed after 40 untimed calls, then the L5 bench play's features as the bench's breakdown
// computes them (fresh cache, no `out`, higher timeframes aligned to 15m), per feature and summed.
// Between processes the medians still vary up to 2-3x on a loaded machine (V8 tiering, the other core's
// load): run before and after builds alternately several times and compare the lowest per-process medians.
import path from 'node:path';
import { KERNEL_SPECS, median } from './kernel-specs.mjs';
const build = path.resolve(process.argv[2] ?? 'dist');
const runs = Number(process.argv[3] ?? 15);
const { INDICATORS } = await import(path.join(build, 'engine/indicators/index.js'));
const { STRUCTURES } = await import(path.join(build, 'engine/structures/index.js'));
const { benchFeeds } = await import(path.join(build, 'forge/bench/dataset.js'));
const { levelPlayText, LEVELS } = await import(path.join(build, 'forge/bench/levels.js'));
const P = await import(path.join(build, 'engine/play/index.js'));
const { execFeed } = await import(path.join(build, 'engine/play/signals.js'));
const feeds = benchFeeds();
const feed = feeds['15m'];
const cpu = (f) => {
  const a = process.cpuUsage();
  f();
  const b = process.cpuUsage(a);
  return (b.user + b.system) / 1000;
};
const res = {};
for (const [name, params] of KERNEL_SPECS) {
  const def = INDICATORS[name] ?? STRUCTURES[name];
  const label = `${name}(${Object.values(params).join(',')})`;
  for (let r = 0; r < 40; r++) def.compute(feed, params);
  const a = [];
  for (let r = 0; r < runs; r++) a.push(cpu(() => def.compute(feed, params)));
  const out = def.outputs.map(() => new Float64Array(feed.length).fill(1));
  for (let r = 0; r < 40; r++) def.compute(feed, params, undefined, out);
  const b = [];
  for (let r = 0; r < runs; r++) b.push(cpu(() => def.compute(feed, params, undefined, out)));
  res[label] = [median(a), median(b)];
}
// L5's features as the bench's breakdown computes them (fresh cache, no out), summed.
const space = P.parsePlay(levelPlayText(LEVELS[4]), 'bench');
const play = P.resolvePlay(space, P.defaultGenome(space.genes));
const exec = execFeed(play, feeds);
const reqs = P.playFeatures(play);
for (let r = 0; r < 10; r++) {
  const c = new P.MapFeatureCache();
  for (const q of reqs) P.featureValues(q, exec, feeds, c);
}
const l5 = [];
const per = {};
for (let r = 0; r < runs; r++) {
  const c = new P.MapFeatureCache();
  l5.push(
    cpu(() => {
      for (const q of reqs) {
        const t = cpu(() => P.featureValues(q, exec, feeds, c));
        per[q.key] ??= [];
        per[q.key].push(t);
      }
    }),
  );
}
res['L5 features (sum, allocating)'] = [median(l5), NaN];
for (const [k, v] of Object.entries(per)) res['  L5 ' + k] = [median(v), NaN];
console.log(JSON.stringify(res));
