#!/usr/bin/env node
// Tuning the GA's options on bench/search-quality.mjs's enumerable space (issue 11 point 6) over many
// seeds, from the exhaustive table that bench caches (its output names the file):
//   node bench/search-tune.mjs TABLE.json '[["name", {"localShare": 0}], ...]' [first seed] [seeds] [budgets]
// Per variant and budget: median and mean best (% of the optimum), seeds at the optimum and at >= 99 %,
// the worst seed, and how many blocks of 10 consecutive seeds meet the target (300: median
// >= 99 %; 1,500: median >= 99.5 % and 9 of 10 at the optimum). Build first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const { evolve, initialState } = await dist('forge/ga/optimizer.js');
const { resolveGAOptions } = await dist('forge/ga/options.js');
const [tableFile, variantsJson, firstArg, seedsArg, budgetsArg] = process.argv.slice(2);
if (!tableFile || !variantsJson)
  throw new Error('usage: search-tune.mjs TABLE.json VARIANTS-JSON [first] [seeds] [budgets]');
const table = new Float64Array(JSON.parse(fs.readFileSync(tableFile, 'utf8')));
// The genes of bench/plays/search-quality.yaml, in the table's order (the last gene fastest).
// (The GA takes the play language's GeneDef since issue 15: ordered genes need their grid step.)
const genes = [
  { path: 'features.fast.params.period', kind: 'int', min: 2, max: 101, step: 1 },
  { path: 'features.slow.params.period', kind: 'int', min: 20, max: 119, step: 1 },
  { path: 'entry.short.optional', kind: 'bool', min: 0, max: 1, step: 1 },
];
if (table.length !== 20_000) throw new Error(`${tableFile}: ${table.length} entries, expected 20,000`);
const lookup = (g) => table[(g[0] - 2) * 200 + (g[1] - 20) * 2 + g[2]];
let opt = -Infinity;
for (const v of table) if (v > opt) opt = v;
const variants = JSON.parse(variantsJson);
const first = Number(firstArg ?? 1),
  n = Number(seedsArg ?? 100);
const budgets = (budgetsArg ?? '300,1500').split(',').map(Number);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [name, extra] of variants)
  for (const budget of budgets) {
    const bests = [];
    const t = performance.now();
    for (let seed = first; seed < first + n; seed++) {
      const o = resolveGAOptions({ method: 'ga', budget, ...extra });
      const st = await evolve(genes, o, initialState(genes, o, seed), {
        evaluate: async (gs) => gs.map((x) => ({ fitness: lookup(x) })),
      });
      if (st.evaluated !== budget) throw new Error('spent ' + st.evaluated);
      bests.push((st.hallOfFame[0].evaluation.fitness / opt) * 100);
    }
    const at = bests.filter((b) => b === 100).length,
      p99 = bests.filter((b) => b >= 99).length;
    // medians over blocks of 10 seeds: how many blocks meet the target
    const blocks = [];
    for (let i = 0; i + 10 <= n; i += 10) blocks.push(bests.slice(i, i + 10));
    const okBlocks = blocks.filter((b) =>
      budget === 300 ? median(b) >= 99 : median(b) >= 99.5 && b.filter((x) => x === 100).length >= 9,
    ).length;
    console.log(
      `${name.padEnd(40)} ${String(budget).padStart(5)} median ${median(bests).toFixed(2)} mean ${(bests.reduce((a, b) => a + b, 0) / n).toFixed(2)} at-opt ${at}/${n} >=99 ${p99}/${n} worst ${Math.min(...bests).toFixed(2)} blocks-ok ${okBlocks}/${blocks.length} ${((performance.now() - t) / n).toFixed(0)}ms`,
    );
  }
