// Rule leaves as packed bitsets: bit i of word i >>> 5 is bar i; bits at and beyond the bar count are
// always 0. A fixed set of kernels replaces the code the rule compiler used to generate per rule
// shape: the operator is data (a mask of the orderings it accepts: less 1, equal 2, greater 4), so V8
// optimises these few functions once per process, whatever plays the GA breeds.
//
// Every leaf takes a `care` mask and fills `out` with its value on the care bits only (0 elsewhere):
// all/any/not pass down the bars whose result is still open, which is what && / || short-circuiting
// did in the generated code. A word with every care bit set runs a dense 32-bar loop, a partial word
// visits its set bits, an empty word costs one load. A narrow care mask comes with the list of its
// non-zero words (`idx`, `count`; null for every word): under a rule's first cross, ~11 % of the words
// of 140k bars hold a care bit, and looping over the list instead of all words made such a leaf 2.5-3.5x
// faster (bench/RESULTS.md). With a list, `out` is cleared first and only the listed words are visited.
//
// Equivalent to evalExpr's compare and crossAbove (expr.ts) on the care bits: a comparison with NaN on
// either side is false (`!=` included: it is `<` or `>`), crossAbove(a, b) at i is a[i] > b[i] after
// a < b on the last differing bar before (see crossAbove), false at bar 0; bars at or past the shorter
// array's end are 0 (evalExpr reads them as undefined, which compares false).
// test/engine/play/masks.test.ts checks this on random trees.

import type { CompareOp } from './types.js';

export const LT = 1;
export const EQ = 2;
export const GT = 4;
export const NE = LT | GT;
export const OP_MASK: Readonly<Record<CompareOp, number>> = {
  '<': LT,
  '<=': LT | EQ,
  '==': EQ,
  '>=': GT | EQ,
  '>': GT,
  '!=': NE,
};

/** The operator with its sides swapped: c < a is a > c. */
export function flipMask(op: number): number {
  return (op & EQ) | ((op & LT) << 2) | ((op & GT) >>> 2);
}

export const wordsOf = (n: number): number => (n + 31) >>> 5;

/** x op y, the operator as an ordering mask. */
export function holds(x: number, y: number, op: number): boolean {
  return (x < y ? op & LT : x > y ? op & GT : x === y ? op & EQ : 0) !== 0;
}

/**
 * Words a kernel visits: idx[0..count) when a list is given (out cleared first, as the unlisted words
 * have no care bit), else all of them. Returns the number of entries to loop over.
 */
function visitCount(idx: Int32Array | null, count: number, out: Uint32Array, words: number): number {
  if (idx === null) return words;
  out.fill(0, 0, words);
  return count;
}

/** The care bits of word w that lie below bar m (m = the last bar an operand has, exclusive). */
function careWord(care: Uint32Array, w: number, m: number): number {
  const c = care[w] | 0;
  const rest = m - (w << 5);
  return rest >= 32 ? c : rest <= 0 ? 0 : c & ((1 << rest) - 1);
}

/** 32 bars of a op b from bar i (dense): one loop per operator so none tests the operator per bar. */
function denseAA(a: Float64Array, b: Float64Array, i: number, op: number): number {
  let r = 0;
  switch (op) {
    case LT:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] < b[i + k]) << k;
      break;
    case GT:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] > b[i + k]) << k;
      break;
    case LT | EQ:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] <= b[i + k]) << k;
      break;
    case GT | EQ:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] >= b[i + k]) << k;
      break;
    case EQ:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] === b[i + k]) << k;
      break;
    default:
      for (let k = 0; k < 32; k++) r |= +holds(a[i + k], b[i + k], op) << k;
  }
  return r;
}

function denseAC(a: Float64Array, c: number, i: number, op: number): number {
  let r = 0;
  switch (op) {
    case LT:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] < c) << k;
      break;
    case GT:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] > c) << k;
      break;
    case LT | EQ:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] <= c) << k;
      break;
    case GT | EQ:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] >= c) << k;
      break;
    case EQ:
      for (let k = 0; k < 32; k++) r |= +(a[i + k] === c) << k;
      break;
    default:
      for (let k = 0; k < 32; k++) r |= +holds(a[i + k], c, op) << k;
  }
  return r;
}

/** out = (a op b) on the care bits; a and b arrays. Equivalent to evalExpr's compare(a, op, b). */
export function compareArrays(
  a: Float64Array,
  b: Float64Array,
  op: number,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
): void {
  const m = Math.min(n, a.length, b.length);
  const visits = visitCount(idx, count, out, wordsOf(n));
  for (let j = 0; j < visits; j++) {
    const w = idx === null ? j : idx[j];
    let c = careWord(care, w, m);
    if (c === 0) {
      out[w] = 0;
      continue;
    }
    const base = w << 5;
    if (c === -1) {
      out[w] = denseAA(a, b, base, op);
      continue;
    }
    let r = 0;
    while (c !== 0) {
      const bit = 31 - Math.clz32(c & -c);
      if (holds(a[base + bit], b[base + bit], op)) r |= 1 << bit;
      c &= c - 1;
    }
    out[w] = r;
  }
}

/**
 * out = (a op k) on the care bits; a an array, k a constant. Equivalent to evalExpr's compare(a, op, k)
 * (k op a: pass flipMask(op)). A deliberate twin of compareArrays: reading b[i] or k is the only
 * difference, kept as two loops rather than one with a callback or a per-bit branch on the operand's
 * kind so that each hot loop stays monomorphic; change both together.
 */
export function compareConst(
  a: Float64Array,
  k: number,
  op: number,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
): void {
  const m = k === k ? Math.min(n, a.length) : 0; // NaN: every operator is false
  const visits = visitCount(idx, count, out, wordsOf(n));
  for (let j = 0; j < visits; j++) {
    const w = idx === null ? j : idx[j];
    let c = careWord(care, w, m);
    if (c === 0) {
      out[w] = 0;
      continue;
    }
    const base = w << 5;
    if (c === -1) {
      out[w] = denseAC(a, k, base, op);
      continue;
    }
    let r = 0;
    while (c !== 0) {
      const bit = 31 - Math.clz32(c & -c);
      if (holds(a[base + bit], k, op)) r |= 1 << bit;
      c &= c - 1;
    }
    out[w] = r;
  }
}

/** out = care when the constant comparison holds, else 0. Equivalent to evalExpr's compare of two constants. */
export function constant(
  value: boolean,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
): void {
  if (!value) {
    out.fill(0, 0, wordsOf(n));
    return;
  }
  const visits = visitCount(idx, count, out, wordsOf(n));
  for (let j = 0; j < visits; j++) {
    const w = idx === null ? j : idx[j];
    out[w] = care[w];
  }
}

/**
 * out = a crosses above b on the care bits: a[i] > b[i] and a < b on the last bar before i where they
 * differ (a run of ties between is part of the crossing); `strict`: a[i-1] < b[i-1] (backtesting.py).
 * Never bar 0. A constant side is an array of one value repeated: pass it as `ka`/`kb` with a or b null.
 * Equivalent to evalExpr's crossAbove(a, b, n, strict); cross_below(a, b) is crossAbove(b, a).
 */
export function crossAbove(
  a: Float64Array | null,
  ka: number,
  b: Float64Array | null,
  kb: number,
  strict: boolean,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
): void {
  const tie = strict ? 0 : 1;
  if (a !== null)
    return b !== null
      ? crossArrays(a, b, tie, care, idx, count, out, n)
      : crossConst(a, kb, 1, tie, care, idx, count, out, n);
  // k crosses above b is b crossing below k: negated, -b crosses above -k (negation keeps ties and NaN).
  if (b !== null) return crossConst(b, -ka, -1, tie, care, idx, count, out, n);
  out.fill(0, 0, wordsOf(n));
}

/** The ordering of (sign * x[j]) and (y === null ? k : y[j]): -1 below, 1 above, 0 tie, 2 NaN. */
function order(x: Float64Array, y: Float64Array | null, k: number, sign: number, j: number): number {
  const u = sign * x[j];
  const v = y === null ? k : y[j];
  return u < v ? -1 : u > v ? 1 : u === v ? 0 : 2;
}

/**
 * Whether x was below y before bar i, the history known up to bar p (`belowP`, 0 when p = -1): look
 * back from i-1 past ties (none when tie = 0) to the first bar that decides.
 */
function belowBefore(
  x: Float64Array,
  y: Float64Array | null,
  k: number,
  sign: number,
  tie: number,
  i: number,
  p: number,
  belowP: number,
): number {
  for (let j = i - 1; j > p; j--) {
    const o = order(x, y, k, sign, j);
    if (o !== 0 || tie === 0) return o === -1 ? 1 : 0;
  }
  return belowP;
}

/**
 * x crosses above y, two arrays. The state carried from bar to bar is one bit, `below`: x < y, or
 * (tie = 1) x == y with below carried from the bar before.
 */
function crossArrays(
  x: Float64Array,
  y: Float64Array,
  tie: number,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
) {
  const m = Math.min(n, x.length, y.length);
  const visits = visitCount(idx, count, out, wordsOf(n));
  let p = -1; // the last bar of the last dense word: its `below` is known
  let below = 0; // below at bar p
  // Unlisted words have no care bit: skipping them is what the c === 0 branch does.
  for (let j = 0; j < visits; j++) {
    const w = idx === null ? j : idx[j];
    let c = careWord(care, w, m);
    const base = w << 5;
    if (base === 0) c &= ~1;
    if (c === 0) {
      out[w] = 0;
      continue;
    }
    let r = 0;
    if (c === -1) {
      // Dense: the word's below/above/tie bits first (no dependency between bars), then `below` for
      // all 32 bars at once: bar i is below when x < y there, or (ties) when it is a tie and bar i-1
      // was below. A run of ties takes the state of the bar before it: seeding each run's first bit
      // and adding the seed to the tie bits carries through the run, clearing exactly the seeded runs.
      below = belowBefore(x, y, 0, 1, tie, base, p, below);
      let lt = 0;
      let gt = 0;
      for (let b = 0; b < 32; b++) {
        const u = x[base + b];
        const v = y[base + b];
        lt |= +(u < v) << b;
        gt |= +(u > v) << b;
      }
      // Ties (or NaN) only where a bar is neither below nor above: most words have none.
      let eq = 0;
      if (tie === 1 && (lt | gt) !== -1) for (let b = 0; b < 32; b++) eq |= +(x[base + b] === y[base + b]) << b;
      const seeds = ((lt << 1) | below) & eq;
      const belowBits = lt | (eq & ~((eq + seeds) | 0));
      r = gt & ((belowBits << 1) | below);
      below = belowBits >>> 31;
      p = base + 31;
    } else {
      // Sparse: only a bar above needs the state before it, read from the bar before unless that is a
      // tie (then looked back for). An above bar ends any look-back after it, so each bar is read by
      // at most one look-back; p (the last dense bar) bounds a look-back through a tie run of dense words.
      while (c !== 0) {
        const bit = 31 - Math.clz32(c & -c);
        const i = base + bit;
        if (x[i] > y[i]) {
          const u = x[i - 1];
          const v = y[i - 1];
          if (u < v || (u === v && tie === 1 && belowBefore(x, y, 0, 1, tie, i - 1, p, below) === 1)) r |= 1 << bit;
        }
        c &= c - 1;
      }
    }
    out[w] = r;
  }
}

/** sign * x crosses above the constant k: crossArrays' sparse loop with a constant for y. */
function crossConst(
  x: Float64Array,
  k: number,
  sign: number,
  tie: number,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
) {
  const m = Math.min(n, x.length);
  const visits = visitCount(idx, count, out, wordsOf(n));
  for (let j = 0; j < visits; j++) {
    const w = idx === null ? j : idx[j];
    let c = careWord(care, w, m);
    const base = w << 5;
    if (base === 0) c &= ~1;
    let r = 0;
    while (c !== 0) {
      const bit = 31 - Math.clz32(c & -c);
      const i = base + bit;
      if (sign * x[i] > k) r |= belowBefore(x, null, k, sign, tie, i, -1, 0) << bit;
      c &= c - 1;
    }
    out[w] = r;
  }
}

/** All n bars set (the tail of the last word clear). */
export function fillAll(out: Uint32Array, n: number): void {
  const words = wordsOf(n);
  out.fill(-1 >>> 0, 0, words);
  if ((n & 31) !== 0) out[words - 1] = (1 << (n & 31)) - 1;
}
