import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  defaultGenome,
  genesOf,
  MapFeatureCache,
  randomGenome,
  resolvePlay,
  runPlay,
} from '../../../src/engine/play/index.js';
import { loadPlay } from '../../../src/forge/plays.js';
import { timeframeMs } from '../../../src/engine/timeframe.js';
import { randomFeed } from '../../helpers/random-feed.js';

const DIR = path.resolve(__dirname, '../../../configs/plays');
const FILES = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('every example play in configs/plays runs on a random feed', () => {
  it('ships the reference play and the default search space', () => {
    expect(FILES).toContain('sma_cross_reversal.yaml');
    expect(FILES).toContain('default.yaml');
    expect(FILES.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of FILES) {
    it(file, () => {
      const space = loadPlay(path.join(DIR, file));
      const tf = resolvePlay(space, defaultGenome(genesOf(space))).market.tf;
      const feed = randomFeed(3000, file, tf, timeframeMs(tf));
      const cache = new MapFeatureCache();
      const rng = seedrandom(file);
      const genomes = [
        defaultGenome(genesOf(space)),
        ...Array.from({ length: space.genes.length ? 5 : 0 }, () => randomGenome(space.genes, rng)),
      ];
      let trades = 0;
      for (const g of genomes) {
        const { metrics, result } = runPlay(resolvePlay(space, g), { [tf]: feed }, { cache });
        expect(result.equity.length).toBe(feed.length);
        expect(Number.isFinite(metrics.finalEquity)).toBe(true);
        trades += metrics.trades;
      }
      expect(trades).toBeGreaterThan(0);
    });
  }

  it('the default search space has many genes: feature choices, optional rules and stop genes', () => {
    const genes = genesOf(loadPlay(path.join(DIR, 'default.yaml')));
    expect(genes.length).toBeGreaterThanOrEqual(20);
    expect(genes.filter((g) => g.kind === 'choice').length).toBeGreaterThanOrEqual(4);
    expect(genes.filter((g) => g.kind === 'bool').length).toBeGreaterThanOrEqual(10);
    expect(genes.some((g) => g.path.startsWith('exit.stop_loss'))).toBe(true);
  });
});
