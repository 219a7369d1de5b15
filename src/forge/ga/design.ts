import { type GeneDef, geneCells, normalizeGene } from '../../engine/play/index.js';
import type { Rng } from './genome.js';

// Initial designs. A Latin hypercube (McKay, Beckman and Conover 1979) cuts every gene's range into n
// equal strata and uses each stratum exactly once, so n plays cover every gene's whole range evenly
// where n uniform draws leave gaps and clumps.

/** `n` plays of a Latin hypercube over `genes` (grids and categorical genes stratified over their values). */
export function latinHypercube(genes: readonly GeneDef[], n: number, rng: Rng): number[][] {
  const out = Array.from({ length: n }, () => new Array<number>(genes.length));
  genes.forEach((g, j) => {
    const strata = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rng() * (i + 1));
      [strata[i], strata[k]] = [strata[k], strata[i]];
    }
    for (let i = 0; i < n; i++) out[i][j] = inStratum(g, strata[i], n, rng());
  });
  return out;
}

/**
 * A value of the gene in stratum `i` of `n`, `u` in [0, 1) placing it. On a grid the cells are dealt to
 * the strata as evenly as whole cells allow (stratum i gets cells floor(i c / n) .. floor((i+1) c / n) - 1),
 * so with at least as many plays as cells every cell is used.
 */
function inStratum(g: GeneDef, i: number, n: number, u: number): number {
  const step = g.step;
  if (!(step > 0)) return g.min + ((i + u) / n) * (g.max - g.min);
  const cells = geneCells(g);
  const first = Math.floor((i * cells) / n);
  const width = Math.max(1, Math.floor(((i + 1) * cells) / n) - first);
  return normalizeGene(g, g.min + (first + Math.floor(u * width)) * step);
}
