import { describe, expect, it } from 'vitest';
import { guidedBatches } from '../../../src/forge/eval/batches.js';

describe('guidedBatches', () => {
  it('shrinks batch sizes geometrically to the minimum (hand-computed for 150 plays on 2 workers)', () => {
    const items = Array.from({ length: 150 }, (_, i) => i);
    const sizes = guidedBatches(items, 2, 4).map((b) => b.length);
    // divisor 4: ceil(150/4)=38, ceil(112/4)=28, ceil(84/4)=21, ceil(63/4)=16, ceil(47/4)=12, ceil(35/4)=9, ...
    expect(sizes).toEqual([38, 28, 21, 16, 12, 9, 7, 5, 4, 3, 2, 2, 1, 1, 1]);
  });

  it('keeps every item once, in input order', () => {
    const items = Array.from({ length: 97 }, (_, i) => i * 3);
    expect(guidedBatches(items, 3, 4, 2).flat()).toEqual(items);
    expect(guidedBatches(items, 3, 4, 2).every((b) => b.length >= 1)).toBe(true);
  });

  it('gives one batch in the main thread and none for no items', () => {
    expect(guidedBatches([1, 2, 3], 1, 4)).toEqual([[1, 2, 3]]);
    expect(guidedBatches([], 2, 4)).toEqual([]);
  });
});
