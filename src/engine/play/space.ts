// The GA's view of a play file: parse once into a PlaySpace, list its genes, resolve genomes to Plays.

import { LineCounter, parseDocument } from 'yaml';
import { ForgeError, suggestion } from '../errors.js';
import type { ParseContext } from './context.js';
import { defaultGenome, markGenes, normalizeGene, substitute } from './genes.js';
import { parseTree } from './parse.js';
import type { Locate, Path } from './path.js';
import type { GeneDef, Play, PlaySpace } from './types.js';

function context(mode: 'space' | 'concrete', locate: Locate): ParseContext {
  return { mode, locate, execTf: '', execMs: 0, features: new Map(), crossover: 'through-ties' };
}

/** Parses and validates a play file's text. Every genome of the result resolves without error. */
export function parsePlay(text: string, fileName = '<play>'): PlaySpace {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ForgeError(
      `${fileName}:${lineOf(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`,
      "fix the YAML syntax (quote operators: op: '>')",
      'E_PLAY_YAML',
    );
  }
  const locate: Locate = (path: Path) => {
    // The deepest node of the path that exists in the document (a missing key points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return `${fileName}:${lineOf(range[0])}: `;
    }
    return `${fileName}: `;
  };
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const { tree, genes } = markGenes(raw ?? {}, locate);
  parseTree(context('space', locate), tree);
  const space: PlaySpace = { fileName, genes, tree };
  resolvePlay(space, defaultGenome(genes)); // a cross-gene inconsistency surfaces at load, not in the GA
  return space;
}

/** The genes in stable (document) order. */
export function genesOf(space: PlaySpace): readonly GeneDef[] {
  return space.genes;
}

/**
 * The concrete play for one genome (one value per gene; values are clamped to the bounds, rounded to
 * the step, choice indices rounded). Deterministic; a space without genes takes [] and resolves to itself.
 */
export function resolvePlay(space: PlaySpace, values: readonly number[]): Play {
  const tree = substitute(space.tree, space.genes, values);
  return parseTree(
    context('concrete', () => `${space.fileName}: `),
    tree,
  );
}

/**
 * A genome from values people write: an array (one per gene) or {gene path: value} with choices by
 * name and optional rules as true/false. Genes not named take defaultGenome's value.
 */
export function genomeFromValues(space: PlaySpace, given: unknown): number[] {
  const genes = space.genes;
  if (Array.isArray(given)) {
    if (given.length !== genes.length || !given.every((v) => typeof v === 'number')) {
      throw new ForgeError(
        `genes: expected ${genes.length} numbers, got ${JSON.stringify(given)}`,
        `give one number per gene in this order: ${genes.map((g) => g.path).join(', ')}`,
        'E_GENOME',
      );
    }
    return given.map((v, i) => normalizeGene(genes[i], v as number));
  }
  if (typeof given !== 'object' || given === null)
    throw new ForgeError(
      'genes: expected a JSON object {path: value} or an array',
      'e.g. {"features.fast.params.period": 12}',
      'E_GENOME',
    );
  const out = defaultGenome(genes);
  const paths = genes.map((g) => g.path);
  for (const [path, v] of Object.entries(given)) {
    const i = paths.indexOf(path);
    if (i < 0)
      throw new ForgeError(
        `genes: the play has no gene '${path}'${suggestion(path, paths)}`,
        `genes: ${paths.join(', ') || '(none)'}`,
        'E_GENOME',
      );
    const g = genes[i];
    if (g.kind === 'choice') {
      const k = g.choices!.indexOf(v as string);
      if (k < 0)
        throw new ForgeError(
          `genes: ${path}: ${JSON.stringify(v)} is not one of ${g.choices!.join(', ')}`,
          'give one of the choices',
          'E_GENOME',
        );
      out[i] = k;
    } else if (g.kind === 'bool') {
      if (typeof v !== 'boolean')
        throw new ForgeError(`genes: ${path}: expected true or false`, 'give true (rule on) or false', 'E_GENOME');
      out[i] = v ? 1 : 0;
    } else {
      if (typeof v !== 'number' || v < g.min || v > g.max)
        throw new ForgeError(
          `genes: ${path}: expected a number in [${g.min}, ${g.max}], got ${JSON.stringify(v)}`,
          'give a value within the gene bounds',
          'E_GENOME',
        );
      out[i] = normalizeGene(g, v);
    }
  }
  return out;
}
