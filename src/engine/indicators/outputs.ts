// The arrays a FeatureDef.compute writes. A caller that owns the memory (e.g. shared-memory slabs of the
// feature store) passes them as `out`, so nothing is allocated and no fresh page is touched per feature;
// otherwise each compute allocates its own, as the cache expects. Kernels write every element of every
// output (warm-up NaNs included), so `out` may hold anything on entry.

/** `out` when given (checked: `count` arrays of `n` elements), else `count` new arrays of `n`. */
export function outputArrays(out: Float64Array[] | undefined, count: number, n: number): Float64Array[] {
  if (out === undefined) {
    const fresh: Float64Array[] = [];
    for (let k = 0; k < count; k++) fresh.push(new Float64Array(n));
    return fresh;
  }
  if (out.length !== count)
    throw new RangeError(`compute: out has ${out.length} arrays, the feature has ${count} outputs`);
  for (const a of out)
    if (a.length !== n) throw new RangeError(`compute: an out array has ${a.length} elements, the feed ${n}`);
  return out;
}

/** NaN into out[from, to): the warm-up of an output whose kernel starts writing at `to`. */
export function nanFill(out: Float64Array, from: number, to: number): void {
  const end = to < out.length ? to : out.length;
  for (let i = from < 0 ? 0 : from; i < end; i++) out[i] = NaN;
}
