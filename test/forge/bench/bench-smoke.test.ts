import { describe, expect, it } from 'vitest';
import { parsePlay, resolvePlay, defaultGenome } from '../../../src/engine/play/index.js';
import { LEVELS, MTF_LEVELS, levelPlayText, selectLevels } from '../../../src/forge/bench/levels.js';
import { runBench } from '../../../src/forge/bench/suite.js';
import { peerGrid } from '../../../src/forge/bench/peer.js';
import { project, scaling } from '../../../src/forge/bench/project.js';

// A smoke run of `forge bench` (one level, a tiny dataset, a few evaluations through the real pool:
// needs dist/, built by `npm test`'s pretest) and the level generator's counts against the brief's table.

describe('bench levels', () => {
  it('each generated play has the brief table counts of indicators, structures and timeframes', () => {
    for (const level of [...LEVELS, ...MTF_LEVELS]) {
      const play = resolvePlay(
        parsePlay(levelPlayText(level), level.id),
        defaultGenome(parsePlay(levelPlayText(level), level.id).genes),
      );
      const fs = Object.values(play.features);
      expect(fs.filter((f) => f.def.kind === 'indicator').length, level.id).toBe(level.indicators);
      expect(fs.filter((f) => f.def.kind === 'structure').length, level.id).toBe(level.structures);
      expect(new Set(fs.map((f) => f.tf)).size, level.id).toBe(level.timeframes);
      expect(new Set(fs.map((f) => f.key)).size, `${level.id}: every feature distinct`).toBe(fs.length);
    }
    expect([LEVELS[4].indicators, LEVELS[4].structures, LEVELS[4].timeframes]).toEqual([12, 2, 2]); // the brief's level 5
  });

  it('is reproducible and parses level lists', () => {
    expect(levelPlayText(LEVELS[6])).toBe(levelPlayText(LEVELS[6]));
    expect(selectLevels('1-3,mtf').map((l) => l.id)).toEqual(['L1', 'L2', 'L3', ...MTF_LEVELS.map((l) => l.id)]);
    expect(() => selectLevels('11')).toThrow(/level 11/);
    expect(() => selectLevels('MTF-lite')).toThrow(/unknown level 'MTF-lite'/);
  });

  it('peer grid: fast 5..50 x slow 20..200 step 5, fast < slow', () => {
    const g = peerGrid();
    // fast 5, 10, 15: 37 slows each; fast 20..50: 36 down to 30
    expect(g.length).toBe(3 * 37 + (36 + 35 + 34 + 33 + 32 + 31 + 30));
    expect(g.every(([f, s]) => f < s && f % 5 === 0 && s % 5 === 0)).toBe(true);
  });

  it('projection and efficiency arithmetic', () => {
    expect(scaling(180, 100, 2)).toEqual({ speedup: 1.8, efficiency: 0.9 });
    expect(project(100, 0.5, [4])[0].tenKSeconds).toBeCloseTo(10_000 / 200);
  });
});

describe('forge bench smoke run', () => {
  it('measures one level on a tiny dataset through the pool', async () => {
    const r = await runBench({
      levels: [LEVELS[1]],
      workers: [1, 2],
      evals: 12,
      population: 6,
      bars: 3000,
      memoryCheckBars: 0,
      coldRuns: 1,
      warmRuns: 1,
      seed: 'smoke',
      holdout: 0.2,
    });
    expect(r.dataset.bars['15m']).toBe(3000);
    expect(r.dataset.sharedBytes).toBe(6 * 8 * Object.values(r.dataset.bars).reduce((a, b) => a + b, 0));
    const l = r.levels[0];
    expect(l.single.coldMs).toBeGreaterThan(0);
    expect(l.single.coldNewMemoryMs).toBeGreaterThan(0);
    // The first cold backtest after start-up is kept out of the median and reported apart.
    expect(l.single.firstMs).toBeGreaterThan(0);
    expect(l.single.coldRunsMs.length).toBe(1);
    expect(l.single.coldMs).toBe(l.single.coldRunsMs[0]);
    expect(l.single.features).toBe(4);
    expect(l.pool.map((p) => p.workers)).toEqual([1, 2]);
    for (const p of l.pool) {
      expect(p.failed).toBe(0);
      expect(p.evalsPerSec).toBeGreaterThan(0);
      expect(p.peakWorkerBytes).toBeGreaterThan(0);
    }
    expect(l.projection.length).toBeGreaterThan(0);
  }, 20_000);
});
