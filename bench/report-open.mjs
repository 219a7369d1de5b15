#!/usr/bin/env node
// `node bench/report-open.mjs [N]`: how big a report of a 100,000-evaluation run is, and how long the
// system Chromium takes to open it from disk and draw every chart (issue 13: < 2 s, < ~10 MB). Makes a
// small real evolve run in a temporary FORGE_HOME, grows it to N evaluations (default 100,000) of
// seeded random plays with the run's own Parquet writer, writes the report with `forge report`, then
// opens it 5 times in a fresh page and prints each time from navigation to `window.forgeReport.ready`
// (the page records performance.now() there). Build first (`npm run build`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const forge = path.join(root, 'bin', 'forge.js');
const N = Number(process.argv[2] ?? 100_000);
const PER_FILE = 5_000;
const chromiumPath = process.env.FORGE_CHROMIUM ?? '/usr/bin/chromium';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-bench-report-'));
try {
  fs.mkdirSync(path.join(home, 'datasets'));
  fs.writeFileSync(
    path.join(home, 'datasets', 'catalog.yaml'),
    'datasets:\n  - name: TEST_SMALL\n    symbol: TESTUSDT\n    base: 15m\n    derived: [1h, 4h, 1d]\n    from: 2021-01-01\n    to: 2021-02-01\n    regime: cycle\n',
  );
  const play = path.join(root, 'configs/plays/default.yaml');
  const evolve = spawnSync(
    process.execPath,
    [
      forge,
      'evolve',
      '--home',
      home,
      '--dataset',
      'TEST_SMALL',
      '--play',
      play,
      '--pop',
      '12',
      '--generations',
      '4',
      '--seed',
      '7',
      '--min-trades',
      '1',
      '--workers',
      '1',
      '--synthetic',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  if (evolve.status !== 0) throw new Error(`evolve failed: ${evolve.stderr}`);
  const id = JSON.parse(evolve.stdout).runId;
  const { parsePlay, randomGenome, describeGenome } = await dist('engine/play/index.js');
  const { genomeKey } = await dist('forge/ga/genome.js');
  const { writeGenerationParquet } = await dist('forge/runs/generation-file.js');
  const runDir = path.join(home, 'runs', id);
  const stored = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8'));
  const space = parsePlay(stored.playText, stored.config.play);
  const rng = seedrandom('bench');
  for (let f = 0; f * PER_FILE < N; f++) {
    const fresh = Array.from({ length: Math.min(PER_FILE, N - f * PER_FILE) }, () => {
      const genome = randomGenome(space.genes, rng);
      return {
        key: genomeKey(genome),
        genome,
        params: describeGenome(space.genes, genome),
        evaluation: { fitness: rng() * 4 - 1, inSample: null, outOfSample: null },
      };
    });
    writeGenerationParquet(
      path.join(runDir, 'evaluations', `gen-${String(100 + f).padStart(5, '0')}.parquet`),
      100 + f,
      fresh,
    );
  }
  const out = path.join(home, 'report.html');
  const t0 = performance.now();
  const report = spawnSync(process.execPath, [forge, 'report', id, '--home', home, '--out', out, '--quiet'], {
    encoding: 'utf8',
  });
  if (report.status !== 0) throw new Error(`report failed: ${report.stderr}`);
  console.log(
    `forge report: ${((performance.now() - t0) / 1000).toFixed(1)} s to write, ${(fs.statSync(out).size / 1e6).toFixed(2)} MB for ${N.toLocaleString('en-US')} extra evaluations`,
  );
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const times = [];
    for (let k = 0; k < 5; k++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto('file://' + out);
      await page.waitForFunction('window.forgeReport && window.forgeReport.ready', undefined, { timeout: 30_000 });
      times.push(await page.evaluate('window.forgeReport.readyMs'));
      await page.close();
    }
    console.log(`open + draw (navigation to ready), 5 opens: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  } finally {
    await browser.close();
  }
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
