#!/usr/bin/env node
// Bundles the CLI (dist/cli/main.js, tsc's output) into dist/bundle/: one entry and a few chunks that
// the commands' lazy `import()`s load. Node's ES module loader spends most of a short command's start-up
// on resolving, reading and compiling ~300 small files one by one (forge's ~170, zod's 95, yargs' 21,
// ...): `forge evolve --help` took 0.34 s of CPU from those files and 0.22 s from the bundle (bench/
// RESULTS.md, issue 11 point 3). Run by `npm run build` (so `npm ci`, through prepare, makes it).
//
// What stays outside the bundle, loaded from node_modules as before: packages that find files next to
// themselves at run time (piscina starts its worker from its own folder), native ones (DuckDB, msgpackr
// under bullmq), and the large ones only a few commands load (ECharts, Arrow, BullMQ). Worker threads
// and the store's child process still start from dist/'s per-file modules (their paths come from
// compiledPath), as tests running from src/ do.
//
// `import.meta.url` in a bundled module is the chunk's URL, not the module's: every bundled file that
// uses it (DEFAULT_PLAY, worker entries next to their pool, yargs' locales and package.json) gets it
// rewritten to its own file's URL, relative to the chunk, which dist/bundle/ keeps at a fixed depth.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'bundle');
const EXTERNAL = [
  'piscina',
  '@duckdb/*',
  'bullmq',
  'ioredis',
  'msgpackr',
  'echarts',
  'apache-arrow',
  'hyparquet-writer',
  'parquetjs-lite',
];

/** Rewrites `import.meta.url` to the URL of the file it was written in (see the header). */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.(m?js|cjs)$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = path.relative(outdir, args.path).split(path.sep).join('/');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: 'js',
      };
    });
  },
};

fs.rmSync(outdir, { recursive: true, force: true }); // no stale chunks from an earlier build
await build({
  entryPoints: { forge: path.join(root, 'dist', 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [ownUrl],
  // CommonJS packages in the bundle (yaml, cli-progress, seedrandom) call require() for Node's own
  // modules, which an ES module does not have.
  banner: {
    js:
      "import { createRequire as __forgeRequire } from 'node:module';\n" +
      'const require = __forgeRequire(import.meta.url);',
  },
  legalComments: 'none',
  // Maps back through tsc's own maps to src/*.ts: `node --enable-source-maps bin/forge.js ...` gives an
  // internal error's stack in TypeScript lines, as it did before the bundle; without the flag they are
  // not read.
  sourcemap: 'linked',
  logLevel: 'warning',
});
