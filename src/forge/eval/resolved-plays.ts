import { effectiveKeyOf, parsePlay, resolvePlay, type Play, type PlaySpace } from '../../engine/play/index.js';

// A genome's play is resolved (its play tree substituted and parsed again: ~0.15-0.3 ms) by the
// identity check when it is bred, by the feature plan and by the evaluation. In one thread (a
// search with --workers 1) those three now share one resolution: the thread's spaces are shared by
// play text, and the plays resolved last are kept per space. Plays are never changed after resolving,
// so sharing one changes no result (a small search spent ~15 % of its CPU in resolvePlay, issue 11
// point 3). Plays are kept by effectiveKeyOf's key, so genomes that differ only in genes of optional
// rules or stops that are off share one resolution.

/** Plays kept per space: more than a generation's children with their retries. */
const KEEP = 2048;
/** Spaces kept per thread (a run's play; a few more in tests and benches). */
const SPACES = 8;

const spaces = new Map<string, PlaySpace>();
const plays = new WeakMap<PlaySpace, Map<string, Play>>();
const keys = new WeakMap<PlaySpace, (genome: readonly number[]) => string>();

/** effectiveKeyOf(space), made once per space. */
export function playKeyOf(space: PlaySpace): (genome: readonly number[]) => string {
  let key = keys.get(space);
  if (key === undefined) {
    key = effectiveKeyOf(space);
    keys.set(space, key);
  }
  return key;
}

/** parsePlay, once per thread for the same text and file name. */
export function sharedPlaySpace(text: string, fileName: string): PlaySpace {
  const key = `${fileName}\0${text}`;
  let space = spaces.get(key);
  if (space === undefined) {
    space = parsePlay(text, fileName);
    if (spaces.size >= SPACES) spaces.delete(spaces.keys().next().value as string);
    spaces.set(key, space);
  }
  return space;
}

/** resolvePlay, kept for the genomes resolved last in `space` (a genome that does not resolve throws each time). */
export function resolveKept(space: PlaySpace, genome: readonly number[]): Play {
  let memo = plays.get(space);
  if (memo === undefined) {
    memo = new Map();
    plays.set(space, memo);
  }
  const key = playKeyOf(space)(genome);
  const kept = memo.get(key);
  if (kept !== undefined) return kept;
  const play = resolvePlay(space, genome);
  if (memo.size >= KEEP) memo.delete(memo.keys().next().value as string);
  memo.set(key, play);
  return play;
}
