import { type GeneDef, isOrdered, normalizeGene } from '../../engine/play/index.js';
import type { Rng } from './genome.js';

// Crossover operators take two parents and return two new children (parents are never modified).
// Categorical genes (choices, optional rules) are always swapped whole: blending indices is meaningless.

/** Uniform crossover (DEAP cxUniform): each gene swapped with probability `indpb`. */
export function cxUniform(a: readonly number[], b: readonly number[], indpb: number, rng: Rng): [number[], number[]] {
  const c1 = a.slice();
  const c2 = b.slice();
  for (let i = 0; i < a.length; i++) {
    if (rng() < indpb) {
      c1[i] = b[i];
      c2[i] = a[i];
    }
  }
  return [c1, c2];
}

/**
 * Blend crossover BLX-alpha (DEAP cxBlend) on ordered genes: child = (1 + 2a)u - a mix of the
 * parents, so children may land slightly outside the parents' interval; then repaired to the grid.
 */
export function cxBlend(
  a: readonly number[],
  b: readonly number[],
  genes: readonly GeneDef[],
  alpha: number,
  rng: Rng,
): [number[], number[]] {
  const c1 = a.slice();
  const c2 = b.slice();
  for (let i = 0; i < a.length; i++) {
    const g = genes[i];
    if (!isOrdered(g)) {
      if (rng() < 0.5) {
        c1[i] = b[i];
        c2[i] = a[i];
      }
      continue;
    }
    const gamma = (1 + 2 * alpha) * rng() - alpha;
    c1[i] = normalizeGene(g, (1 - gamma) * a[i] + gamma * b[i]);
    c2[i] = normalizeGene(g, gamma * a[i] + (1 - gamma) * b[i]);
  }
  return [c1, c2];
}

/**
 * Bounded simulated binary crossover (Deb and Agrawal 1995; DEAP cxSimulatedBinaryBounded) on
 * ordered genes, each with probability 0.5; `eta` near 0 spreads children far, large eta keeps
 * them near the parents.
 */
export function cxSimulatedBinary(
  a: readonly number[],
  b: readonly number[],
  genes: readonly GeneDef[],
  eta: number,
  rng: Rng,
): [number[], number[]] {
  const c1 = a.slice();
  const c2 = b.slice();
  for (let i = 0; i < a.length; i++) {
    const g = genes[i];
    if (rng() > 0.5) continue;
    if (!isOrdered(g)) {
      c1[i] = b[i];
      c2[i] = a[i];
      continue;
    }
    if (Math.abs(a[i] - b[i]) <= 1e-14) continue;
    const x1 = Math.min(a[i], b[i]);
    const x2 = Math.max(a[i], b[i]);
    const lo = g.min;
    const hi = g.max;
    const rand = rng();

    let beta = 1 + (2 * (x1 - lo)) / (x2 - x1);
    let alpha = 2 - beta ** -(eta + 1);
    let betaq = rand <= 1 / alpha ? (rand * alpha) ** (1 / (eta + 1)) : (1 / (2 - rand * alpha)) ** (1 / (eta + 1));
    const y1 = 0.5 * (x1 + x2 - betaq * (x2 - x1));

    beta = 1 + (2 * (hi - x2)) / (x2 - x1);
    alpha = 2 - beta ** -(eta + 1);
    betaq = rand <= 1 / alpha ? (rand * alpha) ** (1 / (eta + 1)) : (1 / (2 - rand * alpha)) ** (1 / (eta + 1));
    const y2 = 0.5 * (x1 + x2 + betaq * (x2 - x1));

    const swap = rng() <= 0.5;
    c1[i] = normalizeGene(g, swap ? y2 : y1);
    c2[i] = normalizeGene(g, swap ? y1 : y2);
  }
  return [c1, c2];
}
