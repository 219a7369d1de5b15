// Feature-kernel micro-benchmark: node bench/kernels.mjs [BUILD_DIR=dist] [runs] [filter]
// (build first: npm run build).
// Each feature computed cold (FeatureDef.compute) on the bench's 140k-bar synthetic 15m feed
// (seed forge-bench), median of `runs` after 5 untimed runs; allocating (compute without `out`) and into
// caller-owned, already-touched arrays (compute with `out`).
import path from 'node:path';
import { KERNEL_SPECS, median } from './kernel-specs.mjs';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const runs = Number(process.argv[3] ?? 21);
const filter = process.argv[4] ? new RegExp(process.argv[4]) : null;
const { INDICATORS } = await import(path.join(build, 'engine/indicators/index.js'));
const { STRUCTURES } = await import(path.join(build, 'engine/structures/index.js'));
const { benchFeeds } = await import(path.join(build, 'forge/bench/dataset.js'));
const feeds = benchFeeds();
const feed = feeds['15m'];

let total = 0;
let totalOut = 0;
for (const [name, params] of KERNEL_SPECS) {
  const label = `${name}(${Object.values(params).join(',')})`;
  if (filter && !filter.test(label)) continue;
  const def = INDICATORS[name] ?? STRUCTURES[name];
  for (let r = 0; r < 5; r++) def.compute(feed, params);
  const ts = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    def.compute(feed, params);
    ts.push(performance.now() - t0);
  }
  const m = median(ts);
  total += m;
  // Into caller-owned arrays (compute's `out`), already touched: the kernel without allocation or page faults.
  // A build without `out` ignores the argument and allocates, so this column then repeats the first.
  const out = def.outputs.map(() => new Float64Array(feed.length).fill(1));
  for (let r = 0; r < 5; r++) def.compute(feed, params, undefined, out);
  const tsOut = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    def.compute(feed, params, undefined, out);
    tsOut.push(performance.now() - t0);
  }
  const mOut = median(tsOut);
  totalOut += mOut;
  console.log(
    `${label.padEnd(34)} ${m.toFixed(3).padStart(8)} ms  (min ${Math.min(...ts).toFixed(3)})  into out ${mOut.toFixed(3).padStart(8)} ms  (min ${Math.min(...tsOut).toFixed(3)})`,
  );
}
console.log(
  `${'sum'.padEnd(34)} ${total.toFixed(3).padStart(8)} ms${' '.repeat(17)}into out ${totalOut.toFixed(3).padStart(8)} ms`,
);
