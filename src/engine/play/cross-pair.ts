import { wordsOf } from './masks.js';

/**
 * Both crosses of one pair of columns over every bar, in one pass: `up` = x crosses above y, `down` = y
 * crosses above x (cross_above(a, b) and cross_below(a, b), the usual first items of a play's long and
 * short rules). They compare the same values: x below y is y above x, so each word's below / above /
 * tie bits are computed once and serve both. Equivalent to masks.ts' crossAbove(x, 0, y, 0, strict,
 * every bar, null, words, up, n) and crossAbove(y, 0, x, 0, ..., down, n): crossArrays' dense word
 * (its comments explain the tie-run carry) applied to every word, each direction with its own `below`
 * carried from word to word (0 before bar 0, so bar 0 is never a cross); a partial last word
 * compares only the bars both columns have, so the bits past them stay 0.
 * test/engine/play/cross-pair.test.ts checks it against crossAbove on random columns with ties and NaN.
 */
export function crossPair(
  x: Float64Array,
  y: Float64Array,
  strict: boolean,
  up: Uint32Array,
  down: Uint32Array,
  n: number,
): void {
  const tie = strict ? 0 : 1;
  const m = Math.min(n, x.length, y.length);
  const words = wordsOf(n);
  let belowX = 0; // x below y at the previous word's last bar
  let belowY = 0; // y below x there
  for (let w = 0; w < words; w++) {
    const base = w << 5;
    const len = m - base >= 32 ? 32 : m - base;
    if (len <= 0) {
      up[w] = 0;
      down[w] = 0;
      continue;
    }
    let lt = 0;
    let gt = 0;
    // Two loops so that the full word's has a constant trip count and no read past the columns' end.
    if (len === 32)
      for (let b = 0; b < 32; b++) {
        const u = x[base + b];
        const v = y[base + b];
        lt |= +(u < v) << b;
        gt |= +(u > v) << b;
      }
    else
      for (let b = 0; b < len; b++) {
        const u = x[base + b];
        const v = y[base + b];
        lt |= +(u < v) << b;
        gt |= +(u > v) << b;
      }
    let eq = 0;
    if (tie === 1 && (lt | gt) !== -1) for (let b = 0; b < len; b++) eq |= +(x[base + b] === y[base + b]) << b;
    const seedsX = ((lt << 1) | belowX) & eq;
    const belowBitsX = lt | (eq & ~((eq + seedsX) | 0));
    up[w] = gt & ((belowBitsX << 1) | belowX);
    belowX = belowBitsX >>> 31;
    const seedsY = ((gt << 1) | belowY) & eq;
    const belowBitsY = gt | (eq & ~((eq + seedsY) | 0));
    down[w] = lt & ((belowBitsY << 1) | belowY);
    belowY = belowBitsY >>> 31;
  }
}
