// genes.js, not the play package's index: the run writer thread imports this without the YAML parser.
import { isOrdered } from '../../engine/play/genes.js';
import type { GeneDef } from '../../engine/play/types.js';

// A genome is a plain number[]: one value per gene of a play's search space. Numeric genes hold their
// value, a choice holds the index of the chosen option, an optional rule holds 0 or 1. The genes are the
// play language's GeneDefs; operators work on the numbers and call its `normalizeGene` so every child
// is a valid point of the space.

/** Uniform draw in [0, 1) from a seeded generator; operators never use an unseeded global source. */
export type Rng = () => number;

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
export function diversity(population: readonly (readonly number[])[], genes: readonly GeneDef[]): number {
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
