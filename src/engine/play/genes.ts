// Genes: any number or choice in a play file may be `{int: [lo, hi]}`, `{float: [lo, hi], step}` or
// `{choice: [a, b, ...]}`, and a rule may carry `optional: true`. markGenes() finds them in document
// order and swaps each for a GeneSlot; substitute() puts concrete values back in (dropping optional
// rules that are off), which the concrete parser then validates like any hand-written play.

import { ForgeError } from '../errors.js';
import type { GeneDef } from './types.js';
import { type Path, formatPath, type Locate } from './path.js';

/** Stands where a gene was in the tree. `raw` is what the file said. */
export class GeneSlot {
  constructor(
    readonly index: number,
    readonly def: GeneDef,
  ) {}
}

/** A node removed by an optional gene that is off; lists drop it, maps drop the key. */
export const ABSENT: unique symbol = Symbol('absent');

const GENE_KEYS = ['int', 'float', 'choice'] as const;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GeneSlot);
}

function geneError(locate: Locate, path: Path, message: string, fix: string): ForgeError {
  return new ForgeError(`${locate(path)}${formatPath(path)}: ${message}`, fix, 'E_PLAY_GENE');
}

function decimals(x: number): number {
  const s = String(x);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function parseGene(node: Record<string, unknown>, path: Path, locate: Locate): GeneDef {
  const kinds = GENE_KEYS.filter((k) => k in node);
  if (kinds.length > 1)
    throw geneError(
      locate,
      path,
      `a gene has one of int, float or choice, found ${kinds.join(' and ')}`,
      'keep one kind per gene',
    );
  const kind = kinds[0];
  for (const key of Object.keys(node)) {
    if (key !== kind && key !== 'step') {
      throw geneError(
        locate,
        [...path, key],
        `unknown key in a ${kind} gene`,
        `a gene is {${kind}: [...]}${kind === 'choice' ? '' : ' with an optional step'}`,
      );
    }
  }
  const p = formatPath(path);
  const body = node[kind];
  if (kind === 'choice') {
    if ('step' in node) throw geneError(locate, [...path, 'step'], 'a choice gene has no step', 'remove step');
    if (!Array.isArray(body) || body.length === 0)
      throw geneError(
        locate,
        [...path, kind],
        'a choice gene needs a non-empty list',
        'write {choice: [ema, sma, wma]}',
      );
    const seen = new Set<unknown>();
    body.forEach((c, i) => {
      if (!['string', 'number', 'boolean'].includes(typeof c))
        throw geneError(locate, [...path, kind, i], 'choices are plain names or numbers', 'list scalars only');
      if (seen.has(c))
        throw geneError(locate, [...path, kind, i], `'${String(c)}' is listed twice`, 'list each choice once');
      seen.add(c);
    });
    return {
      path: p,
      kind: 'choice',
      min: 0,
      max: body.length - 1,
      step: 1,
      choices: body as (string | number | boolean)[],
    };
  }
  if (!Array.isArray(body) || body.length !== 2 || !body.every((b) => typeof b === 'number' && Number.isFinite(b))) {
    throw geneError(
      locate,
      [...path, kind],
      `an ${kind} gene needs two finite bounds [lo, hi]`,
      `write {${kind}: [5, 50]}`,
    );
  }
  const [lo, hi] = body as number[];
  if (lo > hi)
    throw geneError(locate, [...path, kind], `gene bounds are inverted: ${lo} > ${hi}`, `write [${hi}, ${lo}]`);
  let step = kind === 'int' ? 1 : 0;
  if ('step' in node) {
    const s = node.step;
    if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s))
      throw geneError(locate, [...path, 'step'], 'step must be a positive number', 'give a step such as 0.1');
    if (kind === 'int' && !Number.isInteger(s))
      throw geneError(
        locate,
        [...path, 'step'],
        'an int gene takes an integer step',
        'use a whole step or a float gene',
      );
    step = s;
  }
  if (kind === 'int' && !(Number.isInteger(lo) && Number.isInteger(hi))) {
    throw geneError(
      locate,
      [...path, kind],
      `int gene bounds must be integers, got [${lo}, ${hi}]`,
      'use whole bounds or a float gene',
    );
  }
  return { path: p, kind, min: lo, max: hi, step };
}

/** Replace gene maps by GeneSlots (document order) and `optional: true` by a bool GeneSlot. */
export function markGenes(tree: unknown, locate: Locate): { tree: unknown; genes: GeneDef[] } {
  const genes: GeneDef[] = [];
  const add = (def: GeneDef): GeneSlot => {
    const slot = new GeneSlot(genes.length, def);
    genes.push(def);
    return slot;
  };
  const walk = (node: unknown, path: Path): unknown => {
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, i]));
    if (!isMap(node)) return node;
    if (GENE_KEYS.some((k) => k in node)) return add(parseGene(node, path, locate));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'optional') {
        if (typeof value !== 'boolean')
          throw geneError(locate, [...path, key], 'optional is true or false', 'write optional: true');
        if (value) out[key] = add({ path: formatPath([...path, key]), kind: 'bool', min: 0, max: 1, step: 1 });
        continue; // optional: false is the same as no key
      }
      out[key] = walk(value, [...path, key]);
    }
    return out;
  };
  return { tree: walk(tree, []), genes };
}

/**
 * The one snap of a genome value: inside the gene's bounds and on its grid. The GA's operators call it
 * on every child (a blend or a gaussian step may overshoot), the play language on every value it reads.
 * NaN is refused, not mapped to a bound: it means a bug upstream, never a point of the space.
 */
export function normalizeGene(def: GeneDef, v: number): number {
  if (v !== v) throw new ForgeError(`gene ${def.path}: value is NaN`, 'give every gene a number', 'E_GENOME');
  if (def.kind === 'bool') return v >= 0.5 ? 1 : 0;
  let x = Math.min(def.max, Math.max(def.min, v));
  if (def.step > 0) {
    const k = Math.round((x - def.min) / def.step);
    x = def.min + k * def.step;
    if (x > def.max + 1e-12) x -= def.step;
    // Keep decimal grids printable: 0.1 * 3 should be 0.3, not 0.30000000000000004.
    if (def.kind === 'float') x = Number(x.toFixed(Math.max(decimals(def.min), decimals(def.step))));
  }
  return x;
}

/** True for genes whose values have an order (so blending and gaussian steps make sense). */
export function isOrdered(def: GeneDef): boolean {
  return def.kind === 'int' || def.kind === 'float';
}

/** How many values the gene's grid holds; Infinity for a float without a step. */
export function geneCells(def: GeneDef): number {
  if (!(def.step > 0)) return Infinity;
  return Math.floor((def.max - def.min) / def.step + 1e-9) + 1;
}

/** A uniformly random valid value of the gene: one draw of the seeded rng passed in. */
export function randomGene(def: GeneDef, rng: () => number): number {
  const cells = geneCells(def);
  if (cells === Infinity) return def.min + rng() * (def.max - def.min);
  return normalizeGene(def, def.min + Math.min(cells - 1, Math.floor(rng() * cells)) * def.step);
}

/** A uniformly random genome on each gene's grid, one draw per gene in gene order. */
export function randomGenome(genes: readonly GeneDef[], rng: () => number): number[] {
  return genes.map((g) => randomGene(g, rng));
}

export function checkGenome(genes: readonly GeneDef[], values: readonly number[]): void {
  if (values.length !== genes.length) {
    throw new ForgeError(
      `genome has ${values.length} values, the play has ${genes.length} genes`,
      'give one value per gene, in genesOf() order',
      'E_GENOME',
    );
  }
}

/** The tree with every gene replaced by its (normalized) value and off optional rules removed. */
export function substitute(tree: unknown, genes: readonly GeneDef[], values: readonly number[]): unknown {
  checkGenome(genes, values);
  const walk = (node: unknown): unknown => {
    if (node instanceof GeneSlot) {
      const v = normalizeGene(node.def, values[node.index]);
      return node.def.kind === 'choice' ? node.def.choices![v] : node.def.kind === 'bool' ? v === 1 : v;
    }
    if (Array.isArray(node)) return node.map(walk).filter((v) => v !== ABSENT);
    if (!isMap(node)) return node;
    const opt = node.optional;
    if (opt instanceof GeneSlot && normalizeGene(opt.def, values[opt.index]) === 0) return ABSENT;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'optional') continue;
      const v = walk(value);
      if (v !== ABSENT) out[key] = v;
    }
    return out;
  };
  const out = walk(tree);
  return out === ABSENT ? {} : out;
}

/** The genome the CLI uses when none is given: numeric midpoints, first choices, optional rules on. */
export function defaultGenome(genes: readonly GeneDef[]): number[] {
  return genes.map((g) => (g.kind === 'choice' ? 0 : g.kind === 'bool' ? 1 : normalizeGene(g, (g.min + g.max) / 2)));
}

/** Genome values as people read them: {path: value}, choices by name, optional rules as booleans. */
export function describeGenome(
  genes: readonly GeneDef[],
  values: readonly number[],
): Record<string, string | number | boolean> {
  checkGenome(genes, values);
  const out: Record<string, string | number | boolean> = {};
  genes.forEach((g, i) => {
    const v = normalizeGene(g, values[i]);
    out[g.path] = g.kind === 'choice' ? g.choices![v] : g.kind === 'bool' ? v === 1 : v;
  });
  return out;
}
