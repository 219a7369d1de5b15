// A play's rules as the simulator's SignalSource, evaluated in place instead of stored. The GA's
// evaluator used to run the rules over every bar into 0/1 arrays and then simulate over those arrays:
// two passes, each streaming its own columns. Here the simulator's quiet-bar loop (see
// ArraySignals.quiet in src/engine/sim/equity-run.ts) is generated with the rules inlined, so one
// pass streams the rules' columns and the close together and stores no signal at all. The values
// are the same: a rule at bar i is a pure function of its operands at i and i-1 (compile-rules.ts),
// whether it is stored first or evaluated where the simulator asks for it. The generated text follows
// compile-rules.ts's safety rules (fixed tokens and made-up names only) and is cached by signature.

import type { EquityAcc, QuietInput, SignalSource } from '../sim/equity-run.js';
import { compiled, crossSlots, decl, gen, resolve, signature, Slots, type Render, type Resolved } from './compile-rules.js';
import type { Series } from './expr.js';
import type { Expr, Operand } from './types.js';

type MaskFn = (A: readonly Float64Array[], C: Float64Array, i: number) => number;
type QuietFn = (A: readonly Float64Array[], C: Float64Array, off: number, acc: EquityAcc, x: QuietInput, j: number, last: number) => number;
type QuietCheckedFn = (
  A: readonly Float64Array[], C: Float64Array, off: number,
  acc: EquityAcc, x: QuietInput, j: number, last: number, inPosition: boolean, bust: boolean, checkInf: boolean,
) => number;

/** The rules bound to their arrays on one execution feed of `n` bars (offset 0 = its first bar). */
export interface BoundRules {
  readonly arrays: readonly Float64Array[];
  readonly consts: Float64Array;
  readonly mask: MaskFn;
  readonly quiet: QuietFn;
  readonly quietChecked: QuietCheckedFn;
}

// equityStats' arithmetic on one bar's equity `eq`, as in EquityAcc.add and ArraySignals.quiet.
const STATS = `const q = eq / prev;
prev = eq;
const r = q - 1;
const d = r - shift;
sum += d;
sumSq += d * d;
const neg = r - Math.abs(r);
down2x4 += neg * neg;
nonPositive += q <= 0 ? 1 : 0;
if (eq > peak) {
  peak = eq;
  floor = eq > 0 && eq < Infinity ? eq : Infinity;
} else if (!(eq >= floor)) {
  const dd = 1 - eq / peak;
  if (dd > maxDd) maxDd = dd;
  if (eq < floor && peak > 0 && peak < Infinity) floor = eq;
}`;
const LOAD = `const close = x.close;
const cash = x.num[0], k = x.num[1];
let prev = acc.prev;
const shift = acc.shift;
let sum = acc.sum, sumSq = acc.sumSq, down2x4 = acc.down2x4, nonPositive = acc.nonPositive;
let peak = acc.peak, floor = acc.floor, maxDd = acc.maxDd;
const start = j;`;
const STORE = `acc.bars += j - start;
acc.prev = prev;
acc.sum = sum;
acc.sumSq = sumSq;
acc.down2x4 = down2x4;
acc.nonPositive = nonPositive;
acc.peak = peak;
acc.floor = floor;
acc.maxDd = maxDd;
return j;`;

function source(rules: readonly (Resolved | undefined)[], arrays: number, consts: number): string {
  const present = rules.flatMap((r, k) => (r === undefined ? [] : [{ r, bit: 1 << k }]));
  const slots = decl('a', 'A', arrays) + decl('c', 'C', consts);
  const bits = (bar0: boolean) => present.map(({ r, bit }) => `if (${gen(r, bar0)}) m |= ${bit};`).join('\n');
  // ArraySignals.quiet with "a signal byte is set at s" replaced by "a rule holds at i = s + off";
  // j >= 2 there, so i >= 1 and every cross has its bar before.
  const any = present.length === 0 ? 'false' : present.map(({ r }) => gen(r, false)).join(' || ');
  // In the common loop the arrays a cross reads are loaded once per bar (v0 = a0[i]) and their value
  // on the bar before is carried over from the previous turn (p0), instead of indexed twice per bar.
  const carried = [...new Set(present.flatMap(({ r }) => [...crossSlots(r, new Set())]))];
  const at: Render = (ref, prev) => (carried.includes(ref) ? `${prev ? 'p' : 'v'}${ref.slice(1)}` : ref[0] === 'a' ? `${ref}[${prev ? 'i - 1' : 'i'}]` : ref);
  const anyCarried = present.length === 0 ? 'false' : present.map(({ r }) => gen(r, false, at)).join(' || ');
  const pInit = carried.map((a) => `let p${a.slice(1)} = ${a}[j - 2 + off];\n`).join('');
  const vLoad = carried.map((a) => `const v${a.slice(1)} = ${a}[i];\n`).join('');
  const pNext = carried.map((a) => `p${a.slice(1)} = v${a.slice(1)};\n`).join('');
  const fastBar = `{\nconst i = j - 1 + off;\n${vLoad}if (${anyCarried}) break;\nconst eq = cash + k * close[j];\nif (eq <= 0) break;\n${STATS}\n${pNext}}\nj++;\n`;
  return `'use strict';
const mask = function (A, C, i) {
${slots}let m = 0;
if (i > 0) {
${bits(false)}
} else {
${bits(true)}
}
return m;
};
// The rare cases (bust, infinite prices, a stored curve), each check as in ArraySignals.quiet.
const quietChecked = function (A, C, off, acc, x, j, last, inPosition, bust, checkInf) {
${slots}${LOAD}
const open = x.open, high = x.high, low = x.low, equity = x.equity;
for (; j < last; j++) {
const i = j - 1 + off;
if (!bust && (${any})) break;
if (checkInf && (open[j] === Infinity || open[j] === -Infinity || high[j] === Infinity || low[j] === -Infinity)) break;
const eq = cash + k * close[j];
if (inPosition && eq <= 0) break;
if (equity !== null) equity[j] = eq;
${STATS}
}
${STORE}
};
// The common case in a function of its own: sharing one with the loop above made this loop about 40 %
// slower (more live values than registers). Stopping at eq <= 0 when flat too only sends that bar to
// the complete step, which then does what this loop would have done. Four bars per turn: 6 % faster
// than two, and it makes the function too large for V8 to inline into its caller (RuleSignals.quiet),
// which cost 40 % when it did.
const quiet = function (A, C, off, acc, x, j, last) {
${slots}${LOAD}
${pInit}while (j < last) {
${[fastBar, fastBar, fastBar, fastBar].join('if (j >= last) break;\n')}}
${STORE}
};
return { mask, quiet, quietChecked };
`;
}

/**
 * The rules (long entry, short entry, long exit, short exit; undefined where absent) bound to their
 * operands on `n` bars, or undefined when an operand is shorter than the bars (then the stored path,
 * compileSignals, keeps evalExpr's handling of that).
 */
export function bindRules(rules: readonly (Expr | undefined)[], n: number, values: (op: Operand) => Series): BoundRules | undefined {
  const slots = new Slots(n);
  const resolved = rules.map((e) => (e === undefined ? undefined : resolve(e, values, slots)));
  if (slots.short) return undefined;
  const key = `source:${slots.arrays.length}:${slots.consts.length}:${resolved.map(signature).join('|')}`;
  const fns = compiled<{ mask: MaskFn; quiet: QuietFn; quietChecked: QuietCheckedFn }>(key, () => source(resolved, slots.arrays.length, slots.consts.length));
  const consts = slots.consts.length === 0 ? NO_CONSTS : Float64Array.from(slots.consts);
  return { arrays: slots.arrays, consts, mask: fns.mask, quiet: fns.quiet, quietChecked: fns.quietChecked };
}

const NO_CONSTS = new Float64Array(0);

/** Bound rules read from bar `offset` on: slice bar s is bar s + offset of the feed they were bound on. */
export class RuleSignals implements SignalSource {
  constructor(
    private readonly rules: BoundRules,
    private readonly offset: number,
  ) {}

  bits(s: number): number {
    return this.rules.mask(this.rules.arrays, this.rules.consts, s + this.offset);
  }

  quiet(acc: EquityAcc, x: QuietInput, j: number, last: number, inPosition: boolean, bust: boolean, checkInf: boolean): number {
    const r = this.rules;
    if (bust || checkInf || x.equity !== null) return r.quietChecked(r.arrays, r.consts, this.offset, acc, x, j, last, inPosition, bust, checkInf);
    return r.quiet(r.arrays, r.consts, this.offset, acc, x, j, last);
  }
}
