// One dataset's feature memory: a SharedArrayBuffer cut into equal slots, each one feature output
// column on the execution bars (n float64). Every feature output of one play space has the same
// length (the execution timeframe's bar count, higher timeframes already aligned onto it), so slots
// of one size never fragment: a freed slot fits any later column. The buffer is shared, not copied,
// with every worker once at start; a task names slots by index, never carries feature data.
//
// Pages of a SharedArrayBuffer are committed when first written, so an unused budget costs no memory;
// a slot reused after an eviction reuses the same pages, so resident memory never exceeds the budget.

export interface SlabLayout {
  /** The execution timeframe whose bars the slots hold. */
  readonly tf: string;
  /** Float64 values per slot: the execution feed's length. */
  readonly slotLength: number;
  readonly capacity: number;
  readonly buffer: SharedArrayBuffer;
}

export const SLOT_ALIGN = Float64Array.BYTES_PER_ELEMENT;

/** A slab of as many slots as `budgetBytes` holds (at least none). */
export function createSlab(tf: string, slotLength: number, budgetBytes: number): SlabLayout {
  const slotBytes = Math.max(1, slotLength) * SLOT_ALIGN;
  const capacity = Math.max(0, Math.floor(budgetBytes / slotBytes));
  return { tf, slotLength, capacity, buffer: new SharedArrayBuffer(capacity * slotBytes) };
}

export function slotBytes(slab: Pick<SlabLayout, 'slotLength'>): number {
  return slab.slotLength * SLOT_ALIGN;
}

/**
 * Float64Array views of a slab's slots. Every call makes new view objects: a slot holds different
 * features over a run, and readers downstream (the rule kernels' leaf bitsets) key caches on array
 * identity, so a view object must never outlive the feature it was made for (SlabFeatureCache keeps
 * one feature's views while it keeps its slots).
 */
export class SlabViews {
  constructor(readonly slab: SlabLayout) {}

  columns(slots: readonly number[]): Float64Array[] {
    return slots.map((i) => {
      if (!(i >= 0 && i < this.slab.capacity))
        throw new Error(`internal: slot ${i} outside the slab (capacity ${this.slab.capacity})`);
      return new Float64Array(this.slab.buffer, i * slotBytes(this.slab), this.slab.slotLength);
    });
  }
}
