#!/usr/bin/env node
// Lines longer than 120 characters in src/. Biome formats code to 120 but cannot split a long string or
// comment, so this check catches those. Exit 1 when any file has a long line.
import fs from 'node:fs';
import path from 'node:path';

const WIDTH = 120;
const ROOT = path.resolve(import.meta.dirname, '..');

function* sources(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (/\.(ts|js|mjs)$/.test(e.name)) yield p;
  }
}

const failures = [];
for (const file of sources(path.join(ROOT, 'src'))) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      if (l.length > WIDTH) failures.push(`${rel}:${i + 1}: ${l.length} characters (at most ${WIDTH})`);
    });
}

if (failures.length > 0) {
  console.error(failures.join('\n'));
  console.error(
    `${failures.length} line(s) over ${WIDTH} characters in src/: split the string with + or reflow the comment`,
  );
  process.exit(1);
}
console.log(`long lines: none over ${WIDTH} characters in src/`);
