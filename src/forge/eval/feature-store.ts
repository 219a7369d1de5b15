// The coordinator's book of one slab: which feature (by cache key) holds which slots, in recency
// order. Only the coordinator changes it, and only between evaluation rounds: admit() runs before a
// round's features are computed, so a slot is never reused while a task may read it.

export interface FeatureStoreStats {
  /** Feature uses by evaluated plays (one per play and distinct feature it reads). */
  readonly requests: number;
  /** Uses served by a feature already in the store. */
  readonly hits: number;
  /** Features computed (each once across the pool), as the caller counted them (recordComputed). */
  readonly computed: number;
  readonly evictions: number;
  readonly bytesHeld: number;
  readonly peakBytes: number;
  readonly budgetBytes: number;
}

export interface Admission {
  readonly key: string;
  readonly slots: number[];
}

export class FeatureStore {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, number[]>();
  private readonly free: number[] = [];
  private requests = 0;
  private computed = 0;
  private evictions = 0;
  private peakSlots = 0;

  constructor(
    readonly capacity: number,
    readonly slotBytes: number,
  ) {
    for (let i = capacity - 1; i >= 0; i--) this.free.push(i);
  }

  get used(): number {
    return this.capacity - this.free.length;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Slots a set of features needs: the sum of their output counts. */
  static slotsOf(need: ReadonlyMap<string, number>): number {
    let s = 0;
    for (const outputs of need.values()) s += outputs;
    return s;
  }

  fits(need: ReadonlyMap<string, number>): boolean {
    return FeatureStore.slotsOf(need) <= this.capacity;
  }

  /**
   * Makes every feature of `need` (key -> output count) resident and most recently used, `uses` being
   * how many play-feature uses the round has (for the hit rate). Returns the features to compute, with
   * their slots; evicts least recently used features outside `need` to make room.
   */
  admit(need: ReadonlyMap<string, number>, uses: number): Admission[] {
    if (!this.fits(need))
      throw new Error(`internal: ${FeatureStore.slotsOf(need)} feature columns do not fit ${this.capacity} slots`);
    this.requests += uses;
    const missing: [string, number][] = [];
    for (const [key, outputs] of need) {
      const slots = this.entries.get(key);
      if (slots === undefined) missing.push([key, outputs]);
      else {
        this.entries.delete(key);
        this.entries.set(key, slots);
      }
    }
    const wanted = missing.reduce((s, [, o]) => s + o, 0);
    for (const [key, slots] of this.entries) {
      if (this.free.length >= wanted) break;
      if (need.has(key)) continue;
      this.entries.delete(key);
      this.free.push(...slots);
      this.evictions++;
    }
    const out: Admission[] = missing.map(([key, outputs]) => {
      const slots = this.free.splice(this.free.length - outputs, outputs).reverse();
      this.entries.set(key, slots);
      return { key, slots };
    });
    this.peakSlots = Math.max(this.peakSlots, this.used);
    return out;
  }

  /** Forgets a feature whose computation failed (its plays compute it themselves and record the error). */
  drop(key: string): void {
    const slots = this.entries.get(key);
    if (slots === undefined) return;
    this.entries.delete(key);
    this.free.push(...slots);
  }

  /**
   * Counts feature computations: the caller knows how the admitted entries group into computations
   * (the pool keeps one entry per feature output, and computes a feature once for all of them), and
   * takes back (n < 0) the computations that failed.
   */
  recordComputed(n: number): void {
    this.computed += n;
  }

  /** The slots of a resident entry. */
  held(key: string): readonly number[] | undefined {
    return this.entries.get(key);
  }

  /** Key and slots of each resident entry of `keys`. */
  table(keys: Iterable<string>): [string, number[]][] {
    const out: [string, number[]][] = [];
    for (const k of keys) {
      const slots = this.entries.get(k);
      if (slots !== undefined) out.push([k, slots]);
    }
    return out;
  }

  stats(): FeatureStoreStats {
    return {
      requests: this.requests,
      hits: this.requests - this.computed,
      computed: this.computed,
      evictions: this.evictions,
      bytesHeld: this.used * this.slotBytes,
      peakBytes: this.peakSlots * this.slotBytes,
      budgetBytes: this.capacity * this.slotBytes,
    };
  }
}
