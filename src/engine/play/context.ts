// Shared plumbing of the play parser: error construction, gene-aware value slots, key checks.
//
// The parser runs in two modes over the same code. In 'space' mode the tree may hold GeneSlots: each
// slot is validated for every value the gene can take (both numeric bounds, every choice) so that any
// genome resolves without error. In 'concrete' mode (after resolvePlay substituted the genes) there are
// none, and empty rule groups left by optional rules that are off count as absent.

import { ForgeError, suggestion } from '../errors.js';
import { GeneSlot } from './genes.js';
import { formatPath, type Locate, type Path } from './path.js';
import type { Crossover, FeatureRequest } from './types.js';

export interface ParseContext {
  readonly mode: 'space' | 'concrete';
  readonly locate: Locate;
  /** Execution timeframe and its length in ms (set once `market` is parsed). */
  execTf: string;
  execMs: number;
  /** Named features: every alternative a feature can resolve to (one in concrete mode). */
  readonly features: Map<string, FeatureRequest[]>;
  /** The play's `crossover:` (set before the rules are parsed). */
  crossover: Crossover;
}

export function playError(ctx: ParseContext, path: Path, message: string, fix: string, code = 'E_PLAY'): ForgeError {
  return new ForgeError(`${ctx.locate(path)}${formatPath(path)}: ${message}`, fix, code);
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GeneSlot);
}

/** Throws on any key outside `known`, suggesting the closest known one. */
export function checkKeys(
  ctx: ParseContext,
  node: Record<string, unknown>,
  path: Path,
  known: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(node)) {
    if (!known.includes(key)) {
      throw playError(
        ctx,
        [...path, key],
        `unknown key '${key}' in ${what}${suggestion(key, known)}`,
        `the keys of ${what} are: ${known.join(', ')}`,
      );
    }
  }
}

/** A map, or a ForgeError saying what was expected. */
export function expectMap(
  ctx: ParseContext,
  node: unknown,
  path: Path,
  what: string,
  example: string,
): Record<string, unknown> {
  if (node instanceof GeneSlot)
    throw playError(ctx, path, `${what} cannot be a gene`, 'put genes on the numbers and names inside it');
  if (!isMap(node)) throw playError(ctx, path, `${what} must be a map`, `write it like ${example}`);
  return node;
}

/**
 * Every value a slot can take, parsed: one in concrete mode, both bounds of a numeric gene, each option
 * of a choice gene. Errors inside a gene name the bound or option (`...period.int[0]`).
 */
export function slot<T>(ctx: ParseContext, node: unknown, path: Path, parse: (v: unknown, p: Path) => T): T[] {
  if (!(node instanceof GeneSlot)) return [parse(node, path)];
  if (ctx.mode === 'concrete') throw new Error(`bug: gene left in a resolved play at ${formatPath(path)}`);
  const def = node.def;
  if (def.kind === 'bool')
    throw playError(ctx, path, 'optional is only allowed on rules and exits', 'remove optional here');
  if (def.kind === 'choice') return def.choices!.map((c, i) => parse(c, [...path, 'choice', i]));
  return [parse(def.min, [...path, def.kind, 0]), parse(def.max, [...path, def.kind, 1])];
}

export interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly int?: boolean;
  /** The minimum itself is not allowed (e.g. a stop distance of 0). */
  readonly above?: boolean;
}

export function numberValue(ctx: ParseContext, v: unknown, path: Path, what: string, rule: NumberRule): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw playError(ctx, path, `${what} must be a number, got ${JSON.stringify(v)}`, `give a number${rangeText(rule)}`);
  if (rule.int && !Number.isInteger(v))
    throw playError(ctx, path, `${what} must be a whole number, got ${v}`, `give an integer${rangeText(rule)}`);
  if (rule.above ? v <= rule.min : v < rule.min)
    throw playError(
      ctx,
      path,
      `${what} ${v} is ${rule.above ? 'not above' : 'below'} the minimum ${rule.min}`,
      `give a value${rangeText(rule)}`,
    );
  if (v > rule.max)
    throw playError(ctx, path, `${what} ${v} is above the maximum ${rule.max}`, `give a value${rangeText(rule)}`);
  return v;
}

function rangeText(rule: NumberRule): string {
  return ` in ${rule.above ? '(' : '['}${rule.min}, ${rule.max}]`;
}

/** A gene-aware number: its alternatives' representative (first) value; every alternative is checked. */
export function num(ctx: ParseContext, node: unknown, path: Path, what: string, rule: NumberRule): number {
  return slot(ctx, node, path, (v, p) => numberValue(ctx, v, p, what, rule))[0];
}

export function bool(ctx: ParseContext, node: unknown, path: Path, what: string): boolean {
  return slot(ctx, node, path, (v, p) => {
    if (typeof v !== 'boolean')
      throw playError(ctx, p, `${what} must be true or false, got ${JSON.stringify(v)}`, 'write true or false');
    return v;
  })[0];
}

export function oneOf<T extends string>(
  ctx: ParseContext,
  node: unknown,
  path: Path,
  what: string,
  known: readonly T[],
): T[] {
  return slot(ctx, node, path, (v, p) => {
    if (typeof v !== 'string' || !known.includes(v as T)) {
      throw playError(
        ctx,
        p,
        `unknown ${what} ${JSON.stringify(v)}${typeof v === 'string' ? suggestion(v, known) : ''}`,
        `use one of: ${known.join(', ')}`,
      );
    }
    return v as T;
  });
}

/** The `optional` key may sit only on rules and exits; in space mode it is a GeneSlot, in concrete mode gone. */
export function stripOptional(node: Record<string, unknown>): Record<string, unknown> {
  if (!('optional' in node)) return node;
  const { optional: _optional, ...rest } = node;
  return rest;
}

export function rejectOptional(ctx: ParseContext, node: Record<string, unknown>, path: Path): void {
  if ('optional' in node)
    throw playError(
      ctx,
      [...path, 'optional'],
      'optional is only allowed on rules (entry/exit expressions) ' +
        'and on stop_loss, take_profit, trailing_stop, time_stop',
      'remove optional here',
    );
}
