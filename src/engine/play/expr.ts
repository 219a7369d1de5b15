// Rules compiled to whole-array passes: each node allocates one Uint8Array and runs one tight loop;
// there is no closure or allocation per bar. Semantics: a comparison with NaN on either side is false
// (including !=); cross_above at i is a[i] > b[i] after a[j] < b[j] on the last bar j < i where they
// differ (see crossAbove), false at bar 0; `not` is plain negation (so `not` of a NaN comparison is true).

import type { CompareOp, Expr, Operand } from './types.js';

/** An operand's values on the execution bars: an array, or a constant. */
export type Series = Float64Array | number;

export function evalExpr(expr: Expr, n: number, values: (op: Operand) => Series): Uint8Array {
  switch (expr.kind) {
    case 'compare':
      return compare(values(expr.left), expr.op, values(expr.right), n);
    case 'cross':
      return expr.dir === 'above'
        ? crossAbove(values(expr.a), values(expr.b), n, expr.strict)
        : crossAbove(values(expr.b), values(expr.a), n, expr.strict);
    case 'not': {
      const out = evalExpr(expr.item, n, values);
      combine(out, out, NOT);
      return out;
    }
    case 'all':
    case 'any': {
      const out = evalExpr(expr.items[0], n, values);
      for (let k = 1; k < expr.items.length; k++)
        combine(out, evalExpr(expr.items[k], n, values), expr.kind === 'all' ? AND : OR);
      return out;
    }
  }
}

const AND = 0;
const OR = 1;
const NOT = 2;

/** out = out & x, out | x, or !out, four bars per step (0/1 bytes seen as 32-bit words). */
function combine(out: Uint8Array, x: Uint8Array, mode: number): void {
  const words = out.length >>> 2;
  const o32 = new Uint32Array(out.buffer, out.byteOffset, words);
  const x32 = new Uint32Array(x.buffer, x.byteOffset, words);
  if (mode === AND) for (let i = 0; i < words; i++) o32[i] &= x32[i];
  else if (mode === OR) for (let i = 0; i < words; i++) o32[i] |= x32[i];
  else for (let i = 0; i < words; i++) o32[i] ^= 0x01010101;
  for (let i = words << 2; i < out.length; i++)
    out[i] = mode === AND ? out[i] & x[i] : mode === OR ? out[i] | x[i] : out[i] ^ 1;
}

const FLIP: Record<CompareOp, CompareOp> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=', '==': '==', '!=': '!=' };

export function compare(a: Series, op: CompareOp, b: Series, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (typeof a === 'number' && typeof b === 'number') return out.fill(compareScalar(a, op, b) ? 1 : 0);
  if (typeof a === 'number') return compareArrayScalar(b as Float64Array, FLIP[op], a, out);
  if (typeof b === 'number') return compareArrayScalar(a, op, b, out);
  const m = Math.min(n, a.length, b.length);
  switch (op) {
    case '>':
      for (let i = 0; i < m; i++) out[i] = +(a[i] > b[i]);
      break;
    case '<':
      for (let i = 0; i < m; i++) out[i] = +(a[i] < b[i]);
      break;
    case '>=':
      for (let i = 0; i < m; i++) out[i] = +(a[i] >= b[i]);
      break;
    case '<=':
      for (let i = 0; i < m; i++) out[i] = +(a[i] <= b[i]);
      break;
    case '==':
      for (let i = 0; i < m; i++) out[i] = +(a[i] === b[i]);
      break;
    case '!=':
      for (let i = 0; i < m; i++) out[i] = +(a[i] !== b[i]) & +(a[i] === a[i]) & +(b[i] === b[i]);
      break;
  }
  return out;
}

function compareScalar(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b && a === a && b === b;
  }
}

function compareArrayScalar(a: Float64Array, op: CompareOp, c: number, out: Uint8Array): Uint8Array {
  const m = Math.min(out.length, a.length);
  if (c !== c) return out;
  switch (op) {
    case '>':
      for (let i = 0; i < m; i++) out[i] = +(a[i] > c);
      break;
    case '<':
      for (let i = 0; i < m; i++) out[i] = +(a[i] < c);
      break;
    case '>=':
      for (let i = 0; i < m; i++) out[i] = +(a[i] >= c);
      break;
    case '<=':
      for (let i = 0; i < m; i++) out[i] = +(a[i] <= c);
      break;
    case '==':
      for (let i = 0; i < m; i++) out[i] = +(a[i] === c);
      break;
    case '!=':
      for (let i = 0; i < m; i++) out[i] = +(a[i] !== c) & +(a[i] === a[i]);
      break;
  }
  return out;
}

/**
 * a crosses above b at i: a[i] > b[i], and a < b on the last bar before i where a and b differ (a
 * run of ties between is part of the crossing; a touch that returns to its side is not). `strict`
 * (backtesting.py's crossover): a[i-1] < b[i-1]. A NaN on either side ends the history: the bar after
 * it crosses only from a later bar below. Never at bar 0. cross_below(a, b) is crossAbove(b, a).
 */
export function crossAbove(a: Series, b: Series, n: number, strict = false): Uint8Array {
  const out = new Uint8Array(n);
  if (typeof a === 'number' && typeof b === 'number') return out;
  const at = (s: Series, i: number): number => (typeof s === 'number' ? s : s[i]);
  // below = a < b on bar i-1, or (through ties) a tie there with below carried from the bar before it
  let below = false;
  for (let i = 0; i < n; i++) {
    const x = at(a, i);
    const y = at(b, i);
    out[i] = below && x > y ? 1 : 0;
    below = x < y || (!strict && x === y && below);
  }
  return out;
}
