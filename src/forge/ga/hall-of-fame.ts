import { genomeKey } from './genome.js';
import type { Identity } from './evaluated.js';

// The hall of fame lists different strategies: a play whose canonical form (identity) or whose result
// (fingerprint: the same figures to the last bit mean the same trade list) matches an entry already
// there is counted as one of that entry's equivalents instead of taking a place. The first play found
// keeps the place, so `validate --top N` and `backtest --rank k` always name N different strategies.

export interface HallEntry<E> {
  readonly key: string;
  readonly genome: number[];
  readonly generation: number;
  readonly evaluation: E;
  /** Other evaluated plays with the same identity or the same results, found after this one. */
  equivalents: number;
}

export interface Fresh<E> {
  readonly genome: number[];
  readonly evaluation: E;
}

/** Default fingerprint: the whole evaluation record; equal records mean the same trades and figures. */
export const recordFingerprint = (evaluation: unknown): string => JSON.stringify(evaluation);

/**
 * Merges one generation's fresh evaluations (in the order they were found) into `hall`, best first;
 * ties keep the order found, so the result does not depend on genome keys. Returns the new hall.
 */
export function updateHallOfFame<E extends { readonly fitness: number }>(
  hall: readonly HallEntry<E>[],
  fresh: readonly Fresh<E>[],
  generation: number,
  size: number,
  identity: Identity,
  fingerprint: (evaluation: E) => string = recordFingerprint,
): HallEntry<E>[] {
  const entries = hall.map((h) => ({ ...h }));
  const owner = new Map<string, HallEntry<E>>();
  for (const h of entries) {
    owner.set(`id:${identity(h.genome)}`, h);
    owner.set(`fp:${fingerprint(h.evaluation)}`, h);
  }
  for (const { genome, evaluation } of fresh) {
    if (!Number.isFinite(evaluation.fitness)) continue;
    const id = `id:${identity(genome)}`;
    const fp = `fp:${fingerprint(evaluation)}`;
    const same = owner.get(id) ?? owner.get(fp);
    if (same) {
      same.equivalents++;
      continue;
    }
    const entry: HallEntry<E> = {
      key: genomeKey(genome),
      genome: genome.slice(),
      generation,
      evaluation,
      equivalents: 0,
    };
    entries.push(entry);
    owner.set(id, entry);
    owner.set(fp, entry);
  }
  // Array.prototype.sort is stable: equal fitness keeps the order found.
  return entries.sort((a, b) => b.evaluation.fitness - a.evaluation.fitness).slice(0, size);
}
