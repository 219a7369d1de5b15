import type { GeneDef } from '../../engine/play/index.js';

// What keeps a report small whatever the run's size: curves downsampled to a fixed number of points
// (min and max of each bucket, so a drawdown's trough and a peak survive), the heatmap aggregated
// per pair of numeric genes into at most BINS x BINS cells (best fitness per cell, as backtesting.py's
// plot_heatmaps), and the per-gene view a fixed-size sample (the best plays plus an even stride of
// the rest). Sizes depend on the number of genes, never on the number of evaluations or bars.

export const CURVE_POINTS = 2_000;
export const HEATMAP_BINS = 20;
export const GENE_SAMPLE = 1_200;

/**
 * Indices of at most `points` samples of a curve: the first and last, and in each of points/2 - 1
 * equal buckets in between the index of its minimum and of its maximum, in time order.
 */
export function downsampleIndices(values: ArrayLike<number>, points = CURVE_POINTS): number[] {
  const n = values.length;
  if (n <= points) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((points - 2) / 2));
  const out = [0];
  const width = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor(b * width);
    const hi = Math.min(n - 1, 1 + Math.floor((b + 1) * width));
    let iMin = lo;
    let iMax = lo;
    for (let i = lo; i < hi; i++) {
      const v = values[i];
      if (v < values[iMin]) iMin = i;
      if (v > values[iMax]) iMax = i;
    }
    if (hi <= lo) continue;
    if (iMin === iMax) out.push(iMin);
    else out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  out.push(n - 1);
  return out;
}

/** One numeric gene's bins: equal widths over [min, max]; an int gene with few values gets one bin per value. */
export interface GeneBins {
  readonly gene: number;
  readonly path: string;
  readonly edges: number[];
  /** A label per bin (its value for one-value bins, else its range). */
  readonly labels: string[];
}

export function geneBins(gene: GeneDef, index: number, bins = HEATMAP_BINS): GeneBins {
  const span = gene.max - gene.min;
  const count = gene.kind === 'int' && span + 1 <= bins ? span + 1 : span === 0 ? 1 : bins;
  const unit = gene.kind === 'int' && span + 1 <= bins;
  const edges = Array.from({ length: count + 1 }, (_, k) =>
    unit ? gene.min - 0.5 + k : gene.min + (span * k) / count,
  );
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));
  const labels = Array.from({ length: count }, (_, k) =>
    unit ? String(gene.min + k) : `${fmt(edges[k])}-${fmt(edges[k + 1])}`,
  );
  return { gene: index, path: gene.path, edges, labels };
}

/** The bin of `value` (the last bin is closed on the right); -1 outside [first edge, last edge]. */
export function binOf(b: GeneBins, value: number): number {
  const e = b.edges;
  const count = e.length - 1;
  if (!(value >= e[0] && value <= e[count])) return -1;
  if (value === e[count]) return count - 1;
  return Math.min(count - 1, Math.floor(((value - e[0]) / (e[count] - e[0])) * count));
}

/** The heatmap of one pair: cells[x][y] = best fitness of the plays in that cell, null when none. */
export interface HeatmapPair {
  readonly x: number;
  readonly y: number;
  readonly cells: (number | null)[][];
  readonly counts: number[][];
}

/** Evaluated plays as columns: genomes[k] and fitness[k] (failed plays are left out by the reader). */
export interface EvaluationColumns {
  readonly genomes: readonly (readonly number[])[];
  readonly fitness: ArrayLike<number>;
}

/** Every pair of numeric genes, each aggregated over all evaluations in one pass per pair. */
export function heatmaps(bins: readonly GeneBins[], evals: EvaluationColumns): HeatmapPair[] {
  const n = evals.genomes.length;
  // Each evaluation's bin per gene, once: the pairs then only look them up.
  const binIndex = bins.map((b) => {
    const col = new Int16Array(n);
    for (let k = 0; k < n; k++) col[k] = binOf(b, evals.genomes[k][b.gene]);
    return col;
  });
  const out: HeatmapPair[] = [];
  for (let i = 0; i < bins.length; i++) {
    for (let j = i + 1; j < bins.length; j++) {
      const nx = bins[i].labels.length;
      const ny = bins[j].labels.length;
      const best = new Float64Array(nx * ny).fill(-Infinity);
      const counts = new Int32Array(nx * ny);
      const bi = binIndex[i];
      const bj = binIndex[j];
      for (let k = 0; k < n; k++) {
        if (bi[k] < 0 || bj[k] < 0) continue;
        const c = bi[k] * ny + bj[k];
        counts[c]++;
        const f = evals.fitness[k];
        if (f > best[c]) best[c] = f;
      }
      const cells = Array.from({ length: nx }, (_, x) =>
        Array.from({ length: ny }, (_, y) =>
          counts[x * ny + y] > 0 && Number.isFinite(best[x * ny + y]) ? best[x * ny + y] : null,
        ),
      );
      out.push({
        x: i,
        y: j,
        cells,
        counts: Array.from({ length: nx }, (_, x) => Array.from(counts.subarray(x * ny, (x + 1) * ny))),
      });
    }
  }
  return out;
}

/**
 * Indices of at most `size` evaluations for the per-gene scatter: the best size/4 by fitness (the
 * region a reader looks at) and an even stride over the rest, so the cloud's shape is kept.
 */
export function sampleIndices(fitness: ArrayLike<number>, size = GENE_SAMPLE): number[] {
  const n = fitness.length;
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => fitness[b] - fitness[a] || a - b);
  const top = Math.floor(size / 4);
  const rest = order.slice(top);
  const picked = order.slice(0, top);
  const stride = rest.length / (size - top);
  for (let k = 0; k < size - top; k++) picked.push(rest[Math.floor(k * stride)]);
  return picked.sort((a, b) => a - b);
}
