// cross_above kernel micro-benchmark: node bench/cross-kernel.mjs [BUILD_DIR=dist] [BASELINE_BUILD_DIR]
// (build first: npm run build). One cross of a random walk and its EMA-like average over 140,256 bars,
// under a full care mask (dense words), a 1/8 one (sparse: a cross that is not a rule's first item) and
// a 1/270 one (rare: a filter after a cross; the mask passes the list of its non-zero words).
// Best of 30 rounds of 50 passes, microseconds per pass. With a baseline build (a checkout before a
// kernel change), its crossAbove runs interleaved with this one's, so machine load hits both alike.
import path from 'node:path';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const builds = [
  path.resolve(process.argv[2] ?? path.join(root, 'dist')),
  process.argv[3] && path.resolve(process.argv[3]),
].filter(Boolean);
const mods = await Promise.all(builds.map((b) => import(path.join(b, 'engine/play/masks.js'))));
const { fillAll, wordsOf } = mods[0];
const n = 140_256;
const w = wordsOf(n);
let s = 1;
const rnd = () => {
  s = (s * 16807) % 2147483647;
  return s / 2147483647;
};
const a = new Float64Array(n);
const b = new Float64Array(n);
for (let i = 0, x = 100, y = 100; i < n; i++) {
  x += rnd() - 0.5;
  y = 0.98 * y + 0.02 * x;
  a[i] = x;
  b[i] = y;
}
const full = new Uint32Array(w);
fillAll(full, n);
const sparse = new Uint32Array(w);
for (let i = 0; i < w; i++) sparse[i] = (rnd() * 2 ** 32) & (rnd() * 2 ** 32) & (rnd() * 2 ** 32);
const out = new Uint32Array(w);
// The kernel took `strict` from the commit that added crossover: strict (8 parameters); before, 7;
// since the word lists of narrow care masks, 10 (care, idx, count): a sparse mask passes its list.
const listOf = (care) => {
  const idx = new Int32Array(w);
  let count = 0;
  for (let i = 0; i < w; i++) if (care[i] !== 0) idx[count++] = i;
  return count === w ? [null, w] : [idx, count];
};
const lists = new Map();
const listed = (care) => lists.get(care) ?? lists.set(care, listOf(care)).get(care);
const variants = mods.flatMap((m, k) => {
  const tag = k === 0 ? '' : ' (baseline)';
  if (m.crossAbove.length === 7)
    return [[`old a[i-1] <= b[i-1]${tag}`, (care) => m.crossAbove(a, 0, b, 0, care, out, n)]];
  if (m.crossAbove.length === 10)
    return [
      [`through-ties${tag}`, (care) => m.crossAbove(a, 0, b, 0, false, care, ...listed(care), out, n)],
      [`strict${tag}`, (care) => m.crossAbove(a, 0, b, 0, true, care, ...listed(care), out, n)],
    ];
  return [
    [`through-ties${tag}`, (care) => m.crossAbove(a, 0, b, 0, false, care, out, n)],
    [`strict${tag}`, (care) => m.crossAbove(a, 0, b, 0, true, care, out, n)],
  ];
});
// A cross's bars as the care mask of the filters after it: ~1 bar in 270, ~11 % of the words.
const rare = new Uint32Array(w);
for (let i = 0; i < n; i++) if (rnd() < 1 / 270) rare[i >>> 5] |= 1 << (i & 31);
for (const [maskName, care] of [
  ['dense', full],
  ['sparse 1/8', sparse],
  ['rare 1/270', rare],
]) {
  const best = variants.map(() => Infinity);
  for (let round = 0; round < 30; round++) {
    variants.forEach(([, run], v) => {
      const t = process.hrtime.bigint();
      for (let k = 0; k < 50; k++) run(care);
      best[v] = Math.min(best[v], Number(process.hrtime.bigint() - t) / 50 / 1000);
    });
  }
  console.log(`${maskName}: ${variants.map(([name], v) => `${name} ${best[v].toFixed(0)} us`).join(', ')}`);
}
