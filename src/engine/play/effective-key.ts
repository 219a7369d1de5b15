import { GeneSlot, normalizeGene } from './genes.js';
import type { PlaySpace } from './types.js';

/**
 * A genome's key that is equal for two genomes only when resolvePlay gives them the same play, for
 * memos of resolved plays and identities: each gene's value as given, or '-' for a gene inside an
 * optional rule or stop that is off (substitute() drops that subtree without reading it; optional
 * nodes may nest). Values are not snapped here (the GA's genomes are on their grids already; two
 * spellings of one grid value only key apart, which is safe). Sound, not complete: genomes with
 * different keys may still resolve to plays with one identity (an unchosen indicator's parameters, a
 * feature no rule reads), which the identity itself then finds. A genome of the wrong length, or
 * with a NaN, keys as its raw values (resolvePlay refuses it with its own error).
 */
export function effectiveKeyOf(space: PlaySpace): (genome: readonly number[]) => string {
  const genes = space.genes;
  // The optional genes each gene sits under (outermost first), found by substitute()'s walk.
  const under: (readonly number[])[] = genes.map(() => []);
  const walk = (node: unknown, enclosing: readonly number[]): void => {
    if (node instanceof GeneSlot) {
      under[node.index] = enclosing;
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) walk(item, enclosing);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const map = node as Record<string, unknown>;
    const opt = map.optional;
    let inner = enclosing;
    if (opt instanceof GeneSlot) {
      under[opt.index] = enclosing;
      inner = [...enclosing, opt.index];
    }
    for (const [key, value] of Object.entries(map)) if (key !== 'optional') walk(value, inner);
  };
  walk(space.tree, []);
  return (genome) => {
    if (genome.length !== genes.length || genome.some((v) => v !== v)) return `raw:${genome.join(',')}`;
    let key = '';
    for (let i = 0; i < genes.length; i++) {
      let on = true;
      for (const k of under[i]) if (normalizeGene(genes[k], genome[k]) === 0) on = false;
      key += on ? `${genome[i]},` : '-,';
    }
    return key;
  };
}
