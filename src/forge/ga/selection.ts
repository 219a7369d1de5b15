import type { Rng } from './genome.js';

// Selection operators return indices into the population, so callers keep genomes and fitness in
// parallel arrays. Higher fitness is better; NaN fitness never wins.

const better = (a: number, b: number): boolean => a > b || (b !== b && a === a);

/** Tournament selection (DEAP selTournament): `k` winners, each the best of `size` random draws with replacement. */
export function selTournament(fitness: ArrayLike<number>, k: number, size: number, rng: Rng): number[] {
  const n = fitness.length;
  const chosen: number[] = new Array(k);
  for (let i = 0; i < k; i++) {
    let best = Math.floor(rng() * n);
    for (let t = 1; t < size; t++) {
      const c = Math.floor(rng() * n);
      if (better(fitness[c], fitness[best])) best = c;
    }
    chosen[i] = best;
  }
  return chosen;
}

/** The `k` best (DEAP selBest), ties broken by lower index so the result is deterministic. */
export function selBest(fitness: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: fitness.length }, (_, i) => i);
  idx.sort((a, b) => {
    const fa = fitness[a];
    const fb = fitness[b];
    if (better(fa, fb)) return -1;
    if (better(fb, fa)) return 1;
    return a - b;
  });
  return idx.slice(0, k);
}
