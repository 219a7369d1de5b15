import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeGenome, parsePlay, randomGenome } from '../../../src/engine/play/index.js';
import { genomeKey } from '../../../src/forge/ga/genome.js';
import type { GenerationStats } from '../../../src/forge/ga/optimizer.js';
import { forgeHome } from '../../../src/forge/home.js';
import { CURVE_POINTS, GENE_SAMPLE, HEATMAP_BINS } from '../../../src/forge/report/aggregate.js';
import { buildReport } from '../../../src/forge/report/build.js';
import { renderReport } from '../../../src/forge/report/html.js';
import { writeGenerationParquet } from '../../../src/forge/runs/generation-file.js';
import { readStoredConfig, runFiles } from '../../../src/forge/runs/read.js';
import { CHROMIUM, inPage, launch, openReport } from '../../helpers/browser.js';
import { EVOLVE_ARGS, forgeCli, freshHome } from '../../helpers/cli.js';

// A run with 100,000 evaluated plays makes a report under 10 MB: a real small evolve run, grown to
// 100,000 evaluations with seeded random plays written by the run's own Parquet writer (and 500
// generations of statistics), then reported. The sizes of the curves, heatmaps and sample must not
// depend on the number of evaluations. The load time in Chromium is printed, never asserted (it is
// measured in bench/RESULTS.md).

const EXTRA = 100_000;
const PER_FILE = 5_000;

describe('a 100,000-evaluation report', () => {
  let home: string;
  let id: string;

  beforeAll(() => {
    home = freshHome('forge-report-size-');
    const r = forgeCli([...EVOLVE_ARGS, '--home', home, '--json']);
    expect(r.code, r.stderr).toBe(0);
    id = JSON.parse(r.stdout).runId;
    const runs = forgeHome(home).runsDir;
    const stored = readStoredConfig(runs, id)!;
    const space = parsePlay(stored.playText, stored.config.play);
    const rng = seedrandom('size');
    const files = runFiles(runs, id);
    for (let f = 0; f < EXTRA / PER_FILE; f++) {
      const fresh = Array.from({ length: PER_FILE }, () => {
        const genome = randomGenome(space.genes, rng);
        return {
          key: genomeKey(genome),
          genome,
          params: describeGenome(space.genes, genome),
          evaluation: { fitness: rng() * 4 - 1, inSample: null, outOfSample: null },
        };
      });
      writeGenerationParquet(
        path.join(files.evaluationsDir, `gen-${String(100 + f).padStart(5, '0')}.parquet`),
        100 + f,
        fresh,
      );
    }
    const stats: GenerationStats[] = Array.from({ length: 500 }, (_, g) => ({
      generation: g,
      evaluated: 200,
      reused: 0,
      best: 1 + g / 500,
      mean: 0,
      median: 0,
      worst: -1,
      std: 1,
      diversity: 0.5,
      immigrants: 0,
    }));
    fs.writeFileSync(files.statsPath, JSON.stringify(stats));
  }, 300_000);

  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('stays under 10 MB with every part cut to its fixed size', async () => {
    const data = await buildReport(forgeHome(home), id);
    const e = data.evolve!;
    expect(e.evaluations + e.failed).toBeGreaterThanOrEqual(EXTRA);
    expect(e.sample.fitness.length).toBe(GENE_SAMPLE);
    for (const r of e.ranks) expect(r.curve.time.length).toBeLessThanOrEqual(CURVE_POINTS);
    for (const h of e.heatmaps) {
      expect(h.cells.length).toBeLessThanOrEqual(HEATMAP_BINS);
      expect(h.cells[0].length).toBeLessThanOrEqual(HEATMAP_BINS);
    }
    // Every one of the 100,000 plays landed in the counts of the first heatmap.
    expect(e.heatmaps[0].counts.flat().reduce((s, n) => s + n, 0)).toBe(e.evaluations);
    expect(e.convergence.length).toBe(500);
    const html = renderReport(data);
    const bytes = Buffer.byteLength(html);
    console.log(
      `100,000-evaluation report: ${(bytes / 1e6).toFixed(2)} MB, ${e.genes.length} numeric genes, ${e.heatmaps.length} heatmaps`,
    );
    expect(bytes).toBeLessThan(10 * 1024 * 1024);
    if (CHROMIUM !== undefined) {
      const file = path.join(home, 'big.html');
      fs.writeFileSync(file, html);
      const browser = await launch();
      try {
        const { page, errors, requests } = await openReport(browser, file);
        const readyMs = await inPage<number>(page, 'window.forgeReport.readyMs');
        console.log(
          `opened and drawn in Chromium in ${readyMs.toFixed(0)} ms from navigation (informative; shared machine)`,
        );
        expect(errors).toEqual([]);
        expect(requests).toEqual(['file://' + file]);
        await page.close();
      } finally {
        await browser.close();
      }
    }
  }, 120_000);
});
