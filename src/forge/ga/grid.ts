import { ForgeError } from '../../engine/errors.js';
import { repairGene, type GeneBounds } from './genome.js';

// `method: grid` enumerates every combination of the genes' grid values in a fixed order (the last
// gene fastest, like nested loops written in gene order), a population-sized chunk per generation.

/** Grids above this many points are refused unless a budget caps how many are evaluated. */
export const GRID_LIMIT = 1_000_000;

/** Values of one gene on its grid; a float without a step has no grid. */
export function cellsOf(g: GeneBounds): number {
  const step = g.step ?? (g.kind === 'float' ? 0 : 1);
  if (!(step > 0)) return Infinity;
  return Math.floor((g.max - g.min) / step + 1e-9) + 1;
}

export function gridSize(genes: readonly GeneBounds[]): number {
  return genes.reduce((n, g) => n * cellsOf(g), 1);
}

/** The `index`-th grid point (0-based). */
export function gridPoint(genes: readonly GeneBounds[], index: number): number[] {
  const out = new Array<number>(genes.length);
  let rest = index;
  for (let i = genes.length - 1; i >= 0; i--) {
    const g = genes[i];
    const cells = cellsOf(g);
    const cell = rest % cells;
    rest = Math.floor(rest / cells);
    out[i] = repairGene(g.min + cell * (g.step ?? 1), g);
  }
  return out;
}

/** Refuses a grid with a gene without a grid, or one above GRID_LIMIT that no budget caps, with the count. */
export function checkGrid(genes: readonly GeneBounds[], budget: number, names: readonly string[] = []): number {
  const free = genes.findIndex((g) => !Number.isFinite(cellsOf(g)));
  if (free >= 0) {
    throw new ForgeError(
      `method grid: gene ${names[free] ?? free} is a float without a step, so it has no grid`,
      'give it a step (e.g. {float: [0.5, 4], step: 0.1}) or use --method ga or random',
      'E_GA_OPTION',
    );
  }
  const size = gridSize(genes);
  if (size > GRID_LIMIT && budget === 0) {
    throw new ForgeError(
      `method grid: the play's genes make ${size.toLocaleString('en-US')} combinations (limit ${GRID_LIMIT.toLocaleString('en-US')})`,
      'cap it with --budget N (the first N points in order), narrow the genes, or use --method ga or random',
      'E_GA_OPTION',
    );
  }
  return size;
}
