import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { GeneDef } from '../../../src/engine/play/index.js';
import { binOf, downsampleIndices, geneBins, heatmaps, sampleIndices } from '../../../src/forge/report/aggregate.js';
import { geneLabel, labelGenes } from '../../../src/forge/report/labels.js';

// The report's size control, checked against direct computations written out here: a downsampled
// curve keeps every bucket's extremes, a heatmap cell holds the best fitness of exactly the plays in
// its ranges, and the per-gene sample keeps the best plays.

const gene = (path: string, kind: GeneDef['kind'], min: number, max: number): GeneDef => ({
  path,
  kind,
  min,
  max,
  step: kind === 'int' ? 1 : 0,
});

describe('downsampleIndices', () => {
  it('keeps a short curve whole', () => {
    expect(downsampleIndices([3, 1, 2], 10)).toEqual([0, 1, 2]);
  });

  it('keeps the first and last points, the global extremes, and stays within the point budget', () => {
    const rng = seedrandom('dd');
    const n = 100_000;
    const v = new Float64Array(n);
    for (let i = 1; i < n; i++) v[i] = v[i - 1] + rng() - 0.5;
    v[31_337] = -1e6; // a crash one bar long
    v[77_777] = 1e6;
    const idx = downsampleIndices(v, 2_000);
    expect(idx.length).toBeLessThanOrEqual(2_000);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(n - 1);
    expect(idx).toContain(31_337);
    expect(idx).toContain(77_777);
    for (let k = 1; k < idx.length; k++) expect(idx[k]).toBeGreaterThan(idx[k - 1]);
  });
});

describe('geneBins and binOf', () => {
  it('gives an int gene with few values one bin per value', () => {
    const b = geneBins(gene('p', 'int', 5, 9), 0, 20);
    expect(b.labels).toEqual(['5', '6', '7', '8', '9']);
    expect([5, 6, 7, 8, 9].map((v) => binOf(b, v))).toEqual([0, 1, 2, 3, 4]);
    expect(binOf(b, 10)).toBe(-1);
  });

  it('splits a float range into equal bins, the top value in the last', () => {
    const b = geneBins(gene('x', 'float', 0, 10), 0, 4);
    expect(b.edges).toEqual([0, 2.5, 5, 7.5, 10]);
    expect([0, 2.49, 2.5, 9.99, 10].map((v) => binOf(b, v))).toEqual([0, 0, 1, 3, 3]);
  });
});

describe('heatmaps', () => {
  it('holds the best fitness of the plays in each cell, for every pair of genes', () => {
    const rng = seedrandom('heat');
    const genes = [gene('a', 'int', 1, 50), gene('b', 'float', 0, 2), gene('c', 'int', 0, 3)];
    const bins = genes.map((g, i) => geneBins(g, i, 10));
    const genomes: number[][] = [];
    const fitness: number[] = [];
    for (let k = 0; k < 5_000; k++) {
      genomes.push([1 + Math.floor(rng() * 50), rng() * 2, Math.floor(rng() * 4)]);
      fitness.push(rng() * 10 - 5);
    }
    const maps = heatmaps(bins, { genomes, fitness });
    expect(maps.map((m) => [m.x, m.y])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    // Direct: a's bins are 5 values wide (1-5, 6-10, ...), b's 0.2 wide, c has one bin per value.
    const inCell = (g: number[], xa: number, yb: number) =>
      Math.min(9, Math.floor((g[0] - 1) / 4.9)) === xa && Math.min(9, Math.floor(g[1] / 0.2)) === yb;
    const ab = maps[0];
    for (let x = 0; x < 10; x++) {
      for (let y = 0; y < 10; y++) {
        const members = genomes.map((g, k) => ({ g, f: fitness[k] })).filter((m) => inCell(m.g, x, y));
        expect(ab.counts[x][y]).toBe(members.length);
        expect(ab.cells[x][y]).toBe(members.length ? Math.max(...members.map((m) => m.f)) : null);
      }
    }
    const bc = maps[2];
    expect(bc.cells.length).toBe(10);
    expect(bc.cells[0].length).toBe(4);
    expect(bc.counts.flat().reduce((s, n) => s + n, 0)).toBe(5_000);
  });
});

describe('sampleIndices', () => {
  it('keeps the best quarter and spreads the rest, within the size', () => {
    const fitness = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_000);
    const s = sampleIndices(fitness, 400);
    expect(s.length).toBe(400);
    const kept = new Set(s.map((i) => fitness[i]));
    for (let f = 9_999; f > 9_999 - 100; f--) expect(kept.has(f)).toBe(true);
    expect(Math.min(...s.map((i) => fitness[i]))).toBeLessThan(100);
  });
});

describe('gene labels', () => {
  it('reads an optional rule gene as enabled, and leaves other paths alone', () => {
    expect(geneLabel('entry.long[1].optional')).toBe('entry.long[1].enabled');
    expect(geneLabel('features.optional_band.params.period')).toBe('features.optional_band.params.period');
    expect(labelGenes({ 'exit.stop_loss.optional': false, 'exit.stop_loss.pct': 2 })).toEqual({
      'exit.stop_loss.enabled': false,
      'exit.stop_loss.pct': 2,
    });
  });
});
