// Where the per-bar floor of a held bar is: node bench/walk-floor.mjs [BUILD_DIR=dist]
// (build first: npm run build). The simulator's equity walk (walk() in src/engine/sim/equity-run.ts:
// the mark, the return sums in bar order and the drawdown) over 140,000 held bars, against the division
// alone (eq / prev, which every bar needs), in a loop written here. Best of 15 rounds of 30 passes, CPU ns per bar, after calls on short ranges first
// (so V8 has type feedback for the code after the loop, as in a real run).
import path from 'node:path';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const { EquityAcc, walk } = await import(path.join(build, 'engine/sim/equity-run.js'));
const n = 140_000;
let s = 1;
const rnd = () => {
  s = (s * 16807) % 2147483647;
  return s / 2147483647;
};
const close = new Float64Array(n);
for (let i = 0, x = 100; i < n; i++) close[i] = x *= 1 + (rnd() - 0.5) * 0.01;
const x = { close, open: close, high: close, low: close, equity: null, num: Float64Array.of(5000, 50) };
const acc = new EquityAcc();
const start = () => {
  acc.reset();
  acc.add(10000);
  acc.add(10001);
  return acc;
};
function divisionOnly(a, j, end) {
  const cash = x.num[0];
  const k = x.num[1];
  let prev = a.prev;
  let sum = a.sum;
  for (; j < end; j++) {
    const eq = cash + k * close[j];
    sum += eq / prev;
    prev = eq;
  }
  a.prev = prev;
  a.sum = sum;
  return j;
}
const loops = {
  'walk()': (j, end) => walk(start(), x, j, end, true, false),
  'division only': (j, end) => divisionOnly(start(), j, end),
};
for (const f of Object.values(loops)) for (let r = 0; r < 3000; r++) f(r % 100, (r % 100) + 20);
for (const f of Object.values(loops)) for (let r = 0; r < 50; r++) f(0, n);
const best = {};
for (let round = 0; round < 15; round++)
  for (const [name, f] of Object.entries(loops)) {
    const t = process.cpuUsage();
    for (let r = 0; r < 30; r++) f(0, n);
    const u = process.cpuUsage(t);
    best[name] = Math.min(best[name] ?? Infinity, ((u.user + u.system) * 1000) / 30 / n);
  }
console.log(
  Object.entries(best)
    .map(([k, v]) => `${k} ${v.toFixed(2)} ns/bar (${((v * n) / 1e6).toFixed(2)} ms per 140k bars)`)
    .join('; '),
);
