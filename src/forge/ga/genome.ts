import type { GeneDef } from '../../engine/play/types.js';

// A genome is a plain number[]: one value per gene of a play's search space. Numeric genes hold their
// value, a choice holds the index of the chosen option, an optional rule holds 0 or 1. Operators work
// on these numbers and call `repairGene` so every child is a valid point of the space.

/** What the GA needs to know about one gene; the play language's gene definitions map onto this. */
export interface GeneBounds {
  readonly kind: 'int' | 'float' | 'choice' | 'bool';
  /** Inclusive bounds; for a choice 0..options-1, for bool 0..1. */
  readonly min: number;
  readonly max: number;
  /** Grid for floats (`{float: [0.5, 4], step: 0.1}`); ints step 1 unless given. */
  readonly step?: number;
}

/** Uniform draw in [0, 1) from a seeded generator; operators never use an unseeded global source. */
export type Rng = () => number;

/** True for genes whose values have an order (so blending and gaussian steps make sense). */
export function isOrdered(g: GeneBounds): boolean {
  return g.kind === 'int' || g.kind === 'float';
}

/** Clamp into bounds and snap to the gene's grid. */
export function repairGene(value: number, g: GeneBounds): number {
  if (value !== value) value = g.min; // a NaN from a degenerate blend is not a valid gene
  let v = Math.min(g.max, Math.max(g.min, value));
  const step = g.step ?? (g.kind === 'float' ? 0 : 1);
  if (step > 0) {
    v = g.min + Math.round((v - g.min) / step) * step;
    if (v > g.max + 1e-12) v -= step;
    // Keep decimal grids printable: 0.1 * 3 should be 0.3, not 0.30000000000000004.
    const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
    v = Number(v.toFixed(Math.min(12, decimals)));
  }
  return v;
}

/** A uniformly random valid value of the gene. */
export function randomGene(g: GeneBounds, rng: Rng): number {
  const step = g.step ?? (g.kind === 'float' ? 0 : 1);
  if (step > 0) {
    const cells = Math.floor((g.max - g.min) / step + 1e-9) + 1;
    return repairGene(g.min + Math.floor(rng() * cells) * step, g);
  }
  return g.min + rng() * (g.max - g.min);
}

export function randomGenome(genes: readonly GeneBounds[], rng: Rng): number[] {
  return genes.map((g) => randomGene(g, rng));
}

/** Standard normal draw (Box-Muller) from the seeded generator. */
export function gaussian(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A stable text key for a genome: identical genomes are evaluated once. */
export function genomeKey(genome: readonly number[]): string {
  return genome.join(',');
}

/**
 * Mean normalised distance between genomes and the population's centroid, in [0, 1]: 0 when every
 * individual is the same. Used to decide when diversity has collapsed and immigrants are due.
 */
export function diversity(population: readonly (readonly number[])[], genes: readonly GeneBounds[]): number {
  if (population.length < 2 || genes.length === 0) return 0;
  let total = 0;
  for (let j = 0; j < genes.length; j++) {
    const g = genes[j];
    const span = g.max - g.min;
    if (span <= 0) continue;
    if (isOrdered(g)) {
      let mean = 0;
      for (const ind of population) mean += ind[j];
      mean /= population.length;
      let dev = 0;
      for (const ind of population) dev += Math.abs(ind[j] - mean) / span;
      total += (2 * dev) / population.length; // two individuals at both ends give 1
    } else {
      // Categorical: the share of individuals that differ from the most common value.
      const counts = new Map<number, number>();
      for (const ind of population) counts.set(ind[j], (counts.get(ind[j]) ?? 0) + 1);
      const top = Math.max(...counts.values());
      total += (population.length - top) / population.length / (1 - 1 / Math.min(population.length, span + 1));
    }
  }
  return Math.min(1, total / genes.length);
}

/** The GA's view of a play's genes. */
export function toBounds(genes: readonly GeneDef[]): GeneBounds[] {
  return genes.map((g) => ({ kind: g.kind, min: g.min, max: g.max, step: g.step > 0 ? g.step : undefined }));
}
