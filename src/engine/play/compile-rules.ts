// A play's rules, each fused into one loop over the bars. evalExpr (expr.ts) runs one whole-array pass
// per node and allocates a Uint8Array for each; here each rule tree of a play becomes ONE generated
// function that, bar by bar, evaluates the tree with JavaScript's short-circuit && / || and writes the
// 0/1 byte straight into the output (rule-source.ts fuses all of a play's rules into the simulator's loop). A rule like all(cross, any(12 compares)) then costs
// about one compare per bar instead of 14 array passes. Semantics are evalExpr's exactly (a pure
// boolean function of the same values per bar): a comparison with NaN is false (`!=` included),
// cross_above at i is a[i] > b[i] && a[i-1] <= b[i-1] (false at bar 0), `not` is plain negation.
//
// Safety of the generated code: its text is built only from fixed tokens (the operator table below,
// `&&`, `||`, `!`) and from names this file makes up (a0.., c0.., o0.., i, n). No text of the play
// (names, labels, numbers) is ever put into it: arrays and constants are passed in as arguments and
// reached by slot index. An operator outside the table is an internal error, never emitted.
//
// The generated function depends only on the trees' shape, not on which arrays or constants fill the
// slots, so it is cached by a short signature of the shape (signature()): a GA that varies periods and
// thresholds reuses one function that V8 has already optimised, and a hit builds no source text.

import type { CompareOp, Expr, Operand } from './types.js';
import { evalExpr, type Series } from './expr.js';

const OPS: Readonly<Record<CompareOp, string>> = { '>': '>', '<': '<', '>=': '>=', '<=': '<=', '==': '===', '!=': '!==' };

const KERNELS = new Map<string, unknown>();
const MAX_KERNELS = 512;

/**
 * Output buffers reused across evaluations by one owner (a GA worker's evaluator): the rules write
 * every bar, so a reused buffer needs no clearing. The signals handed out are then only valid until
 * the owner's next evaluation; callers that keep signals (runPlay) pass no buffers.
 */
export class RuleBuffers {
  private readonly store: Uint8Array[] = [];

  get(slot: number, n: number): Uint8Array {
    let b = this.store[slot];
    if (b === undefined || b.length !== n) b = this.store[slot] = new Uint8Array(n);
    return b;
  }
}

/** Slots of one evaluation: distinct arrays by identity, constants in order of appearance. */
export class Slots {
  readonly arrays: Float64Array[] = [];
  readonly consts: number[] = [];
  private readonly index = new Map<Float64Array, number>();
  /** Set when an array is shorter than the bars: evalExpr's handling of that (reads as 0) is used instead. */
  short = false;

  constructor(private readonly n: number) {}

  ref(v: Series): string {
    if (typeof v === 'number') {
      this.consts.push(v);
      return `c${this.consts.length - 1}`;
    }
    if (v.length < this.n) this.short = true;
    let k = this.index.get(v);
    if (k === undefined) {
      k = this.arrays.length;
      this.arrays.push(v);
      this.index.set(v, k);
    }
    return `a${k}`;
  }
}

/** Operands resolved in evalExpr's order (the first feature to fail is the same one). */
export function resolve(e: Expr, values: (op: Operand) => Series, s: Slots): Resolved {
  switch (e.kind) {
    case 'compare': {
      const l = s.ref(values(e.left));
      return { kind: 'compare', op: e.op, l, r: s.ref(values(e.right)) };
    }
    case 'cross': {
      // evalExpr evaluates cross_below(a, b) as crossAbove(b, a), b resolved first.
      const [first, second] = e.dir === 'above' ? [e.a, e.b] : [e.b, e.a];
      const a = s.ref(values(first));
      return { kind: 'cross', a, b: s.ref(values(second)) };
    }
    case 'not':
      return { kind: 'not', item: resolve(e.item, values, s) };
    case 'all':
    case 'any':
      return { kind: e.kind, items: e.items.map((x) => resolve(x, values, s)) };
  }
}

export type Resolved =
  | { kind: 'compare'; op: CompareOp; l: string; r: string }
  | { kind: 'cross'; a: string; b: string }
  | { kind: 'not'; item: Resolved }
  | { kind: 'all' | 'any'; items: Resolved[] };

/** How an operand slot reads on bar i (prev: on bar i - 1): array slots index their array, constants are themselves. */
export type Render = (ref: string, prev: boolean) => string;
const indexed: Render = (ref, prev) => (ref[0] === 'a' ? `${ref}[${prev ? 'i - 1' : 'i'}]` : ref);

/** The boolean expression of one bar `i`; on bar 0 every cross is false (there is no bar before). */
export function gen(e: Resolved, bar0: boolean, at: Render = indexed): string {
  switch (e.kind) {
    case 'compare': {
      const op = OPS[e.op];
      if (op === undefined) throw new Error(`internal: unknown comparison operator in a compiled rule`);
      const l = at(e.l, false);
      const r = at(e.r, false);
      // != is false when either side is NaN (evalExpr's rule), unlike JavaScript's !==.
      return e.op === '!=' ? `(${l} !== ${r} && ${l} === ${l} && ${r} === ${r})` : `(${l} ${op} ${r})`;
    }
    case 'cross':
      return bar0 ? 'false' : `(${at(e.a, false)} > ${at(e.b, false)} && ${at(e.a, true)} <= ${at(e.b, true)})`;
    case 'not':
      return `!${gen(e.item, bar0, at)}`;
    case 'all':
    case 'any':
      return `(${e.items.map((x) => gen(x, bar0, at)).join(e.kind === 'all' ? ' && ' : ' || ')})`;
  }
}

/** The array slots read by a cross (a0, a3, ...). */
export function crossSlots(e: Resolved, out: Set<string>): Set<string> {
  if (e.kind === 'cross') for (const r of [e.a, e.b]) if (r[0] === 'a') out.add(r);
  if (e.kind === 'not') crossSlots(e.item, out);
  if (e.kind === 'all' || e.kind === 'any') for (const x of e.items) crossSlots(x, out);
  return out;
}

/** `const a0 = A[0], a1 = A[1];` for the slots of a generated function. */
export const decl = (prefix: string, from: string, count: number): string =>
  count === 0 ? '' : `const ${Array.from({ length: count }, (_, k) => `${prefix}${k} = ${from}[${k}]`).join(', ')};\n`;

// The GA's hot path (evalRules) compiles one function per RULE, not per play, and leaves the comparison
// operators out of the code: a compare reads its operator as a mask of the orderings it accepts
// (less 1, equal 2, greater 4), so `a > b` and `a <= c` share code. A function per play shape with the
// operators in its text made almost every genome of a play with optional rules a new function: ~2,200
// of 3,263 evaluations of the default play compiled one (2.6 ms of TurboFan each, on the cores the
// other workers need, after running interpreted until on-stack replacement). Per rule and without
// operators, the default play needs ~20. The mask form is evalExpr's exactly: with a NaN none of <, >,
// === holds, so every operator, `!=` (mask 5) included, is false.
const MASKS: Readonly<Record<CompareOp, number>> = { '<': 1, '<=': 3, '==': 2, '>=': 6, '>': 4, '!=': 5 };

/** One bar's value of a rule whose compares read their operator from M (m0, m1, ... in order of appearance). */
function genMasked(e: Resolved, bar0: boolean, next: { m: number }): string {
  switch (e.kind) {
    case 'compare': {
      const m = `m${next.m++}`;
      return `(((x = ${indexed(e.l, false)}) < (y = ${indexed(e.r, false)}) ? ${m} & 1 : x > y ? ${m} & 4 : x === y ? ${m} & 2 : 0) !== 0)`;
    }
    case 'cross':
      return gen(e, bar0);
    case 'not':
      return `!${genMasked(e.item, bar0, next)}`;
    case 'all':
    case 'any':
      return `(${e.items.map((x) => genMasked(x, bar0, next)).join(e.kind === 'all' ? ' && ' : ' || ')})`;
  }
}

function maskedOps(e: Resolved, out: number[]): number[] {
  if (e.kind === 'compare') {
    // The operator is data here, never code; an unknown one is still an internal error, not false.
    if (!Object.hasOwn(MASKS, e.op)) throw new Error(`internal: unknown comparison operator in a compiled rule`);
    out.push(MASKS[e.op]);
  }
  if (e.kind === 'not') maskedOps(e.item, out);
  if (e.kind === 'all' || e.kind === 'any') for (const x of e.items) maskedOps(x, out);
  return out;
}

/** The signature of a rule with its operators left out (they are data: maskedOps). */
function shapeSignature(e: Resolved): string {
  switch (e.kind) {
    case 'compare':
      return `${e.l}?${e.r}`;
    case 'cross':
      return `x${e.a},${e.b}`;
    case 'not':
      return `!${shapeSignature(e.item)}`;
    case 'all':
    case 'any':
      return `${e.kind}(${e.items.map(shapeSignature).join(';')})`;
  }
}

type RuleKernel = (arrays: readonly Float64Array[], consts: Float64Array, masks: Int32Array, out: Uint8Array, n: number) => void;

function ruleSource(rule: Resolved, arrays: number, consts: number, ops: number): string {
  const body = (bar0: boolean) => `o[i] = ${genMasked(rule, bar0, { m: 0 })} ? 1 : 0;`;
  return (
    `'use strict';\nreturn function fusedRule(A, C, M, o, n) {\n` +
    decl('a', 'A', arrays) + decl('c', 'C', consts) + decl('m', 'M', ops) + 'let x = 0, y = 0;\n' +
    `if (n > 0) {\nconst i = 0;\n${body(true)}\n}\n` +
    `for (let i = 1; i < n; i++) {\n${body(false)}\n}\n};\n`
  );
}

/**
 * The function a generated source returns, compiled once per key. The key is a short signature of
 * what the source is made from (signature() below), so a cache hit does not build the source text.
 */
export function compiled<T>(key: string, source: () => string): T {
  let k = KERNELS.get(key);
  if (k === undefined) {
    if (KERNELS.size >= MAX_KERNELS) KERNELS.clear();
    k = new Function(source())() as unknown; // generated from the validated tree only: see the safety note at the top
    KERNELS.set(key, k);
  }
  return k as T;
}

/** A compact text that determines the generated code of a rule tree (its shape, operators and slots). */
export function signature(e: Resolved | undefined): string {
  if (e === undefined) return '-';
  switch (e.kind) {
    case 'compare':
      return `${e.l}${e.op}${e.r}`;
    case 'cross':
      return `x${e.a},${e.b}`;
    case 'not':
      return `!${signature(e.item)}`;
    case 'all':
    case 'any':
      return `${e.kind}(${e.items.map(signature).join(';')})`;
  }
}

/**
 * The 0/1 series of each rule over `n` bars (undefined where the rule is undefined), all rules in one
 * fused pass. `values` gives an operand's series (never written). With `buffers`, outputs are
 * written into the buffer of the rule's position (0..3) instead of fresh arrays.
 */
export function evalRules(rules: readonly (Expr | undefined)[], n: number, values: (op: Operand) => Series, buffers?: RuleBuffers): (Uint8Array | undefined)[] {
  // Every rule is resolved before any runs, in evalExpr's order; each has slots of its own.
  const resolved = rules.map((e) => {
    if (e === undefined) return undefined;
    const slots = new Slots(n);
    return { rule: resolve(e, values, slots), slots };
  });
  if (resolved.some((r) => r !== undefined && r.slots.short)) {
    // Rare (every feature is computed on the execution bars): keep evalExpr's exact behaviour.
    return rules.map((e) => (e === undefined ? undefined : evalExpr(e, n, values)));
  }
  const ops = resolved.map((r) => (r === undefined ? undefined : Int32Array.from(maskedOps(r.rule, []))));
  return resolved.map((r, k) => {
    if (r === undefined) return undefined;
    const out = buffers === undefined ? new Uint8Array(n) : buffers.get(k, n);
    const { arrays, consts } = r.slots;
    const key = `rule:${arrays.length}:${consts.length}:${shapeSignature(r.rule)}`;
    compiled<RuleKernel>(key, () => ruleSource(r.rule, arrays.length, consts.length, ops[k]!.length))(arrays, Float64Array.from(consts), ops[k]!, out, n);
    return out;
  });
}
