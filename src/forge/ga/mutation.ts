import { type GeneDef, isOrdered, normalizeGene, randomGene } from '../../engine/play/index.js';
import { gaussian, type Rng } from './genome.js';

// Mutation operators return a new genome (the input is never modified). `indpb` is the per-gene
// mutation probability: one number for all genes, or one per gene so a play can mutate its
// structure (choices, optional rules) more or less often than its numbers.

export type GeneRates = number | readonly number[];

const rateOf = (indpb: GeneRates, i: number): number => (typeof indpb === 'number' ? indpb : indpb[i]);

/**
 * Gaussian mutation (DEAP mutGaussian) on ordered genes with sigma as a fraction of each gene's
 * range, so one setting suits a period in [5, 200] and a multiplier in [0.5, 4]. Categorical genes
 * are reset to a random option instead.
 */
export function mutGaussian(
  ind: readonly number[],
  genes: readonly GeneDef[],
  sigmaFrac: number,
  indpb: GeneRates,
  rng: Rng,
): number[] {
  const out = ind.slice();
  for (let i = 0; i < out.length; i++) {
    if (rng() >= rateOf(indpb, i)) continue;
    const g = genes[i];
    out[i] = isOrdered(g) ? normalizeGene(g, out[i] + gaussian(rng) * sigmaFrac * (g.max - g.min)) : randomGene(g, rng);
  }
  return out;
}

/**
 * Creep mutation: move an ordered gene up or down by 1..`maxSteps` grid steps (ints: 1, floats:
 * their step or 1 % of the range). Explores the neighbourhood of a good value without jumping.
 */
export function mutCreep(
  ind: readonly number[],
  genes: readonly GeneDef[],
  maxSteps: number,
  indpb: GeneRates,
  rng: Rng,
): number[] {
  const out = ind.slice();
  for (let i = 0; i < out.length; i++) {
    if (rng() >= rateOf(indpb, i)) continue;
    const g = genes[i];
    if (!isOrdered(g)) {
      out[i] = randomGene(g, rng);
      continue;
    }
    const step = g.step > 0 ? g.step : (g.max - g.min) / 100;
    const n = 1 + Math.floor(rng() * maxSteps);
    out[i] = normalizeGene(g, out[i] + (rng() < 0.5 ? -n : n) * step);
  }
  return out;
}

/** Random-reset mutation (DEAP mutUniformInt generalised): the gene gets a fresh uniform value. */
export function mutReset(ind: readonly number[], genes: readonly GeneDef[], indpb: GeneRates, rng: Rng): number[] {
  const out = ind.slice();
  for (let i = 0; i < out.length; i++) {
    if (rng() < rateOf(indpb, i)) out[i] = randomGene(genes[i], rng);
  }
  return out;
}

/**
 * Step mutation: one gene chosen at random, and each other gene with probability `also`, moves to a
 * neighbouring value: an ordered gene by 1..`maxSteps` grid steps up or down (the other way when a
 * bound stops it), a categorical gene to another option. Unlike the operators above it always changes
 * the genome (unless its genes are fixed), so repeated steps walk the neighbourhood of a good play,
 * diagonals included, without wasting a draw.
 */
export function mutStep(
  ind: readonly number[],
  genes: readonly GeneDef[],
  maxSteps: number,
  also: number,
  rng: Rng,
): number[] {
  const out = ind.slice();
  const first = Math.floor(rng() * out.length);
  for (let i = 0; i < out.length; i++) {
    if (i !== first && rng() >= also) continue;
    const g = genes[i];
    if (!(g.max > g.min)) continue;
    if (!isOrdered(g)) {
      const options = Math.round(g.max - g.min);
      out[i] = g.min + ((Math.round(out[i] - g.min) + 1 + Math.floor(rng() * options)) % (options + 1));
      continue;
    }
    const step = g.step > 0 ? g.step : (g.max - g.min) / 100;
    const n = (1 + Math.floor(rng() * maxSteps)) * step;
    const up = rng() < 0.5;
    const moved = normalizeGene(g, out[i] + (up ? n : -n));
    out[i] = moved !== out[i] ? moved : normalizeGene(g, out[i] + (up ? -n : n));
  }
  return out;
}
