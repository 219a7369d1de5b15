import { ForgeError } from '../../engine/errors.js';
import { type GeneDef, geneCells, normalizeGene } from '../../engine/play/index.js';

// `method: grid` enumerates every combination of the genes' grid values in a fixed order (the last
// gene fastest, like nested loops written in gene order), a population-sized chunk per generation.

/** Grids above this many points are refused unless a budget caps how many are evaluated. */
export const GRID_LIMIT = 1_000_000;

export function gridSize(genes: readonly GeneDef[]): number {
  return genes.reduce((n, g) => n * geneCells(g), 1);
}

/** The `index`-th grid point (0-based). */
export function gridPoint(genes: readonly GeneDef[], index: number): number[] {
  const out = new Array<number>(genes.length);
  let rest = index;
  for (let i = genes.length - 1; i >= 0; i--) {
    const g = genes[i];
    const cells = geneCells(g);
    const cell = rest % cells;
    rest = Math.floor(rest / cells);
    out[i] = normalizeGene(g, g.min + cell * g.step);
  }
  return out;
}

/** Refuses a grid with a gene without a grid, or one above GRID_LIMIT that no budget caps, with the count. */
export function checkGrid(genes: readonly GeneDef[], budget: number): number {
  const free = genes.findIndex((g) => !Number.isFinite(geneCells(g)));
  if (free >= 0) {
    throw new ForgeError(
      `method grid: gene ${genes[free].path} is a float without a step, so it has no grid`,
      'give it a step (e.g. {float: [0.5, 4], step: 0.1}) or use --method ga or random',
      'E_GA_OPTION',
    );
  }
  const size = gridSize(genes);
  if (size > GRID_LIMIT && budget === 0) {
    throw new ForgeError(
      `method grid: the play's genes make ${size.toLocaleString('en-US')} combinations ` +
        `(limit ${GRID_LIMIT.toLocaleString('en-US')})`,
      'cap it with --budget N (the first N points in order), narrow the genes, or use --method ga or random',
      'E_GA_OPTION',
    );
  }
  return size;
}
