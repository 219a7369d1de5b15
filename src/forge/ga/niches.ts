import { type GeneDef, isOrdered } from '../../engine/play/index.js';

// The best play of each of a few separate regions of the space found so far (clearing, Petrowski
// 1996): local steps start from these, so a search does not pour its last evaluations into one peak
// while a better one was glimpsed elsewhere. Kept in the GA state (O(niches)), so a resumed run has it.

export interface Niche {
  readonly genome: number[];
  readonly fitness: number;
}

/**
 * Distance between two plays as the largest per-gene gap, each ordered gene as a share of its range;
 * plays that differ in a categorical gene are a whole range apart.
 */
export function nicheDistance(a: readonly number[], b: readonly number[], genes: readonly GeneDef[]): number {
  let d = 0;
  for (let i = 0; i < genes.length; i++) {
    const g = genes[i];
    if (a[i] === b[i] || !(g.max > g.min)) continue;
    d = Math.max(d, isOrdered(g) ? Math.abs(a[i] - b[i]) / (g.max - g.min) : 1);
  }
  return d;
}

/**
 * The niches after `fresh` evaluations: all candidates best first (earlier ones first among ties),
 * each kept when it is more than `radius` from every kept one, up to `count`. Non-finite fitness never enters.
 */
export function updateNiches(
  niches: readonly Niche[],
  fresh: readonly Niche[],
  genes: readonly GeneDef[],
  count: number,
  radius: number,
): Niche[] {
  const candidates = [...niches, ...fresh.filter((n) => Number.isFinite(n.fitness))]
    .map((n, i) => ({ n, i }))
    .sort((a, b) => b.n.fitness - a.n.fitness || a.i - b.i);
  const kept: Niche[] = [];
  for (const { n } of candidates) {
    if (kept.length >= count) break;
    if (kept.every((k) => nicheDistance(k.genome, n.genome, genes) > radius)) kept.push(n);
  }
  return kept;
}
