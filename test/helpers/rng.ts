import seedrandom from 'seedrandom';

// Random sources for the resampling tests (bootstrap, permutation): planned draws where a test checks
// exactly which draws the code makes, seeded ones where it checks a distribution.

/** A deterministic rng replaying fixed values, failing loudly if the code draws more than planned. */
export function sequence(values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`rng drawn ${i + 1} times, only ${values.length} planned`);
    return values[i++];
  };
}

export const seeded = (seed: string) => seedrandom.alea(seed) as unknown as () => number;

/** One standard normal draw (Box-Muller; 1 - u keeps log away from 0). */
export function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}
