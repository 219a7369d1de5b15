// How a round's plays are cut into pool tasks. Equal batches leave the last one's length as idle
// time on every other worker (with 150 plays, 2 workers and 8 batches: ~19 evaluations, ~8 % of a
// generation). Guided batches start large (little messaging) and shrink towards the end, so the
// workers run out of work within about one evaluation of each other; piscina hands each queued batch
// to the first free worker, which makes this work stealing in effect. Batching never changes results.

/**
 * Contiguous slices of `items`, in order: each takes 1/`divisor` of what remains (at least `minSize`),
 * so sizes fall geometrically to `minSize` at the end. `divisor` is workers x batches-per-worker / 2:
 * the first round of batches covers about half the items.
 */
export function guidedBatches<T>(items: readonly T[], workers: number, batchesPerWorker: number, minSize = 1): T[][] {
  if (workers <= 1) return items.length > 0 ? [items.slice()] : [];
  const divisor = Math.max(workers, (workers * batchesPerWorker) / 2);
  const out: T[][] = [];
  let start = 0;
  while (start < items.length) {
    const size = Math.max(minSize, Math.ceil((items.length - start) / divisor));
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}
