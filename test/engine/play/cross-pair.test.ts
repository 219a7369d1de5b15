import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { crossPair } from '../../../src/engine/play/cross-pair.js';
import { crossAbove, fillAll, wordsOf } from '../../../src/engine/play/masks.js';
import { evalExpr } from '../../../src/engine/play/expr.js';
import { unpackMask } from '../../../src/engine/play/mask-rules.js';

// crossPair against the single-direction kernel (crossAbove with every bar cared for) and, as the
// independent reference, evalExpr's bar-by-bar crosses; columns with long tie runs, NaN, and lengths
// that are not multiples of 32 or differ from n.
function column(rng: () => number, len: number): Float64Array {
  const a = new Float64Array(len);
  let v = 0;
  for (let i = 0; i < len; i++) {
    const r = rng();
    if (r < 0.3)
      v = a[i - 1] ?? 0; // ties with the other column come from the shared grid below
    else v = Math.round((rng() - 0.5) * 6);
    a[i] = rng() < 0.02 ? NaN : v;
  }
  return a;
}

describe('crossPair: both crosses of a pair in one pass', () => {
  it('equals crossAbove(x, y) and crossAbove(y, x) over every bar, and evalExpr, on 300 random pairs', () => {
    for (let k = 0; k < 300; k++) {
      const rng = seedrandom(`cross-pair-${k}`);
      const n = 1 + Math.floor(rng() * 300);
      const x = column(rng, n + (rng() < 0.2 ? -Math.floor(rng() * n) : Math.floor(rng() * 40)));
      const y = column(rng, n + (rng() < 0.2 ? -Math.floor(rng() * n) : 0));
      const strict = rng() < 0.5;
      const words = wordsOf(n);
      const care = new Uint32Array(words);
      fillAll(care, n);
      const up = new Uint32Array(words).fill(0xdeadbeef);
      const down = new Uint32Array(words).fill(0xdeadbeef);
      crossPair(x, y, strict, up, down, n);
      const wantUp = new Uint32Array(words);
      const wantDown = new Uint32Array(words);
      crossAbove(x, 0, y, 0, strict, care, null, words, wantUp, n);
      crossAbove(y, 0, x, 0, strict, care, null, words, wantDown, n);
      expect([...up], `pair ${k} up`).toEqual([...wantUp]);
      expect([...down], `pair ${k} down`).toEqual([...wantDown]);
      const values = (op: { label?: string }) => (op.label === 'x' ? x : y);
      const side = (label: string) => ({ kind: 'feature', label }) as never;
      const ref = (a: string, b: string) =>
        evalExpr(
          { kind: 'cross', dir: 'above', a: side(a), b: side(b), ...(strict ? { strict: true as const } : {}) },
          n,
          values as never,
        );
      expect([...unpackMask(up, n)], `pair ${k} up vs evalExpr`).toEqual([...ref('x', 'y')]);
      expect([...unpackMask(down, n)], `pair ${k} down vs evalExpr`).toEqual([...ref('y', 'x')]);
    }
  });
});
