import { describe, expect, it } from 'vitest';
import { IndentedJsonArray } from '../../../src/forge/runs/json-array.js';

// generations.json as the run writer keeps it: the same bytes as JSON.stringify(stats, null, 2) + '\n'
// (runs stay byte-identical), held once outside V8's heap (issue 10 point 9: a long run's writer thread).

const stat = (g: number) => ({ generation: g, best: g / 3, mean: -g, label: `gén ${g}`, nested: { a: [g, null] } });
const expected = (n: number) =>
  Buffer.from(
    `${JSON.stringify(
      Array.from({ length: n }, (_, g) => stat(g)),
      null,
      2,
    )}\n`,
  );

describe('IndentedJsonArray', () => {
  it('gives JSON.stringify(entries, null, 2) + newline, empty or not, through growth and a resent tail', () => {
    const a = new IndentedJsonArray();
    expect(Buffer.from(a.text()).toString()).toBe('[]\n');
    let n = 0;
    for (const batch of [1, 7, 300, 2000, 5]) {
      a.set(
        n,
        Array.from({ length: batch }, (_, i) => stat(n + i)),
      );
      n += batch;
      expect(Buffer.compare(a.text(), expected(n))).toBe(0);
    }
    // A failed write is sent again from where the last good one ended: later entries are replaced.
    a.set(n - 5, [stat(n - 5)]);
    expect(Buffer.compare(a.text(), expected(n - 4))).toBe(0);
    a.set(0, []);
    expect(Buffer.from(a.text()).toString()).toBe('[]\n');
    expect(() => a.set(3, [])).toThrow(/statistics from 3, 0 held/);
  });

  it('holds the text once: at most twice its bytes, whatever the number of writes', () => {
    const a = new IndentedJsonArray();
    for (let g = 0; g < 20_000; g++) {
      a.set(g, [stat(g)]);
      if (g % 1000 === 0) a.text();
    }
    const size = a.text().byteLength;
    expect(a.length).toBe(20_000);
    expect(a.bytes).toBeLessThanOrEqual(2 * size);
  });
});
