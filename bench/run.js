#!/usr/bin/env node
// `npm run bench`: the built CLI's `forge bench` with the defaults used for bench/RESULTS.md (levels
// 1-10 and the MTF variants, 1 and all-core workers, the peer workload). Extra arguments pass through,
// e.g. `npm run bench -- --levels 5 --evals 2000 --json`. Build first (`npm run build`; `npm ci` does it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
const args = process.argv.slice(2);
const defaults = args.length > 0 ? [] : ['--levels', '1-10', '--mtf', '--evals', '600'];
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'forge.js'), 'bench', ...defaults, ...args], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
