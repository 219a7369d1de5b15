#!/usr/bin/env node
// Per-folder line coverage from vitest's json-summary (coverage/coverage-summary.json), for the CI log.
// The thresholds themselves are enforced by vitest (vitest.config.ts); this only prints the figures.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const file = path.resolve(ROOT, process.argv[2] ?? 'coverage/coverage-summary.json');
if (!fs.existsSync(file)) {
  console.error(`coverage: ${path.relative(ROOT, file)} is missing (run the tests with --coverage)`);
  process.exit(1);
}
const summary = JSON.parse(fs.readFileSync(file, 'utf8'));
const folders = new Map();
for (const [name, s] of Object.entries(summary)) {
  if (name === 'total') continue;
  const rel = path.relative(ROOT, name).split(path.sep);
  const folder = rel.slice(0, 2).join('/');
  const f = folders.get(folder) ?? { covered: 0, total: 0, files: 0 };
  f.covered += s.lines.covered;
  f.total += s.lines.total;
  f.files += 1;
  folders.set(folder, f);
}
const pct = (c, t) => (t === 0 ? 'n/a' : `${((100 * c) / t).toFixed(2)} %`);
for (const [folder, f] of [...folders].sort()) {
  console.log(
    `coverage ${folder.padEnd(10)} lines ${pct(f.covered, f.total).padStart(8)} (${f.covered}/${f.total}, ${f.files} files)`,
  );
}
const t = summary.total.lines;
console.log(`coverage total      lines ${pct(t.covered, t.total).padStart(8)} (${t.covered}/${t.total})`);
