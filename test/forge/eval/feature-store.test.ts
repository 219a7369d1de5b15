import { describe, expect, it } from 'vitest';
import { FeatureStore } from '../../../src/forge/eval/feature-store.js';
import { chunkItems } from '../../../src/forge/eval/feature-stage.js';
import type { FeatureUse } from '../../../src/engine/play/index.js';

const need = (...keys: [string, number][]) => new Map(keys);

describe('shared feature store book-keeping', () => {
  it('admits only what it lacks, in slots it has free', () => {
    const s = new FeatureStore(5, 8);
    const first = s.admit(need(['a', 1], ['b', 3]), 4);
    expect(first.map((x) => x.key)).toEqual(['a', 'b']);
    const slots = first.flatMap((x) => x.slots);
    expect(new Set(slots).size).toBe(4);
    expect(slots.every((x) => x >= 0 && x < 5)).toBe(true);
    expect(s.admit(need(['a', 1]), 3)).toEqual([]);
    s.recordComputed(2); // the caller counts computations: here one per admitted entry
    expect(s.stats()).toMatchObject({
      requests: 7,
      hits: 5,
      computed: 2,
      evictions: 0,
      bytesHeld: 32,
      budgetBytes: 40,
    });
  });

  it('evicts the least recently used features outside the current round, never one it needs', () => {
    const s = new FeatureStore(4, 8);
    s.admit(need(['a', 2]), 1);
    s.admit(need(['b', 1]), 1);
    s.admit(need(['a', 2]), 1); // a is now more recent than b
    const r = s.admit(need(['c', 2], ['a', 2]), 2); // 4 slots: b must go, a must stay
    expect(r.map((x) => x.key)).toEqual(['c']);
    expect(s.has('a')).toBe(true);
    expect(s.has('b')).toBe(false);
    expect(s.stats().evictions).toBe(1);
    expect(s.stats().peakBytes).toBeLessThanOrEqual(s.stats().budgetBytes);
  });

  it('never holds more than its capacity over a long random sequence', () => {
    const s = new FeatureStore(10, 8);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 500; round++) {
      const m = new Map<string, number>();
      while (FeatureStore.slotsOf(m) < 6) {
        const f = Math.floor(rnd() * 30);
        m.set(`f${f}`, 1 + (f % 3)); // a feature always has the same number of outputs
      }
      if (!s.fits(m)) continue;
      const got = s.admit(m, m.size);
      const held = new Set<number>();
      for (const k of m.keys()) expect(s.has(k)).toBe(true);
      for (const [, slots] of s.table(m.keys())) for (const x of slots) held.add(x);
      expect(held.size).toBe(FeatureStore.slotsOf(m)); // no two features of a round share a slot
      expect(s.used).toBeLessThanOrEqual(10);
      expect(got.every((a) => a.slots.length === m.get(a.key))).toBe(true);
    }
    expect(s.stats().peakBytes).toBeLessThanOrEqual(80);
  });

  it('forgets a feature whose computation failed', () => {
    const s = new FeatureStore(3, 8);
    s.admit(need(['a', 2]), 1);
    s.recordComputed(1);
    s.drop('a');
    s.recordComputed(-1);
    expect(s.has('a')).toBe(false);
    expect(s.used).toBe(0);
    expect(s.stats().computed).toBe(0);
  });
});

describe('rounds of items that fit the store', () => {
  // A feature of `outputs` outputs of which the play reads `read` (all by default): a slot per output read.
  const req = (key: string, outputs = 1, read = outputs) =>
    ({
      key,
      def: { outputs: Array.from({ length: outputs }, (_, i) => `o${i}`) },
      outputs: Array.from({ length: read }, (_, i) => i),
    }) as unknown as FeatureUse;
  it('keeps consecutive items together while their features fit, and an oversized item alone', () => {
    const items = [
      [req('a'), req('b')],
      [req('a'), req('c')],
      [req('d', 3)],
      null,
      [req('a', 1), req('e', 9)],
      [req('a')],
    ];
    const fits = (m: ReadonlyMap<string, number>) => FeatureStore.slotsOf(m) <= 4;
    expect(chunkItems(items, fits)).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
      [5, 6],
    ]);
  });

  it('counts a slot per output read, not per output computed', () => {
    const items = [[req('a', 3, 1)], [req('b', 5, 1)], [req('a', 3, 2)], [req('c', 2, 1)], [req('a', 3, 3)]];
    const fits = (m: ReadonlyMap<string, number>) => FeatureStore.slotsOf(m) <= 4;
    // a#0 + b#0 + a#1 + c#0 = 4 slots; a#2 is a fifth.
    expect(chunkItems(items, fits)).toEqual([
      [0, 4],
      [4, 5],
    ]);
  });
});
