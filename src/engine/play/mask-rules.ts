// A play's rule trees evaluated with the fixed kernels of masks.ts: no code is generated, so the set
// of functions V8 optimises does not grow with the plays a run meets. all/any/not narrow the `care`
// mask they pass down (an `all` stops at the first false item of a bar, an `any` at the first true),
// so a rule like all(cross, any(12 filters)) reads the filters' columns only on the cross's bars.
// Equivalent to evalExpr (expr.ts) bar for bar; test/engine/play/masks.test.ts checks it.

import { crossPair } from './cross-pair.js';
import type { Series } from './expr.js';
import {
  compareArrays,
  compareConst,
  constant,
  crossAbove,
  fillAll,
  flipMask,
  holds,
  OP_MASK,
  wordsOf,
} from './masks.js';
import type { Expr, Operand } from './types.js';

/** A rule tree with its operands resolved: an array, or (array null) a constant. */
export type MaskNode =
  | {
      readonly kind: 'compare';
      readonly a: Float64Array | null;
      readonly ka: number;
      readonly b: Float64Array | null;
      readonly kb: number;
      readonly op: number;
    }
  | {
      readonly kind: 'cross';
      readonly a: Float64Array | null;
      readonly ka: number;
      readonly b: Float64Array | null;
      readonly kb: number;
      readonly strict: boolean;
    }
  | { readonly kind: 'not'; readonly item: MaskNode }
  | { readonly kind: 'all' | 'any'; readonly items: readonly MaskNode[] };

/** Operands resolved in evalExpr's order (so the first feature that fails is the same one). */
export function resolveRule(e: Expr, values: (op: Operand) => Series): MaskNode {
  switch (e.kind) {
    case 'compare': {
      if (!Object.hasOwn(OP_MASK, e.op)) throw new Error('internal: unknown comparison operator in a rule');
      const l = values(e.left);
      const r = values(e.right);
      return { kind: 'compare', op: OP_MASK[e.op], ...sides(l, r) };
    }
    case 'cross': {
      // evalExpr evaluates cross_below(a, b) as crossAbove(b, a), b resolved first.
      const first = values(e.dir === 'above' ? e.a : e.b);
      return { kind: 'cross', strict: e.strict === true, ...sides(first, values(e.dir === 'above' ? e.b : e.a)) };
    }
    case 'not':
      return { kind: 'not', item: resolveRule(e.item, values) };
    case 'all':
    case 'any':
      return { kind: e.kind, items: e.items.map((x) => resolveRule(x, values)) };
  }
}

function sides(l: Series, r: Series) {
  return {
    a: typeof l === 'number' ? null : l,
    ka: typeof l === 'number' ? l : 0,
    b: typeof r === 'number' ? null : r,
    kb: typeof r === 'number' ? r : 0,
  };
}

/**
 * Bitsets one owner reuses across evaluations (a GA worker's evaluator): rule outputs by slot, and
 * the temporaries of each tree depth. Results handed out are valid until the owner's next call.
 */
export class MaskBuffers {
  private readonly store: Uint32Array[] = [];
  private readonly lists: Int32Array[] = [];

  get(slot: number, words: number): Uint32Array {
    let b = this.store[slot];
    if (b === undefined || b.length < words) b = this.store[slot] = new Uint32Array(words);
    return b;
  }

  /** The word list of an all/any node at `depth` (see evalNode). */
  list(depth: number, words: number): Int32Array {
    let l = this.lists[depth];
    if (l === undefined || l.length < words) l = this.lists[depth] = new Int32Array(words);
    return l;
  }
}

/**
 * Leaf bitsets over all bars, kept across evaluations by one owner (see leafCacheOf in signals.ts):
 * a GA population shares most of its leaves (the same cross of the same two averages, the same filter),
 * and a leaf is a pure function of its operands, so a kept bitset is the one a new pass would fill.
 * Keyed by operand identity (arrays are never written), operator and constant; least recently used
 * first out past `budget` bytes. Only leaves evaluated on every bar are stored: a leaf under a narrow
 * care mask costs little to evaluate again.
 */
export class LeafCache {
  private readonly ids = new WeakMap<Float64Array, number>();
  private nextId = 0;
  private readonly masks = new Map<string, Uint32Array>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly budget: number) {}

  private id(a: Float64Array | null, k: number): string {
    if (a === null) return `k${k}`;
    let id = this.ids.get(a);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(a, id);
    }
    return `a${id}`;
  }

  key(node: MaskNode & { kind: 'compare' | 'cross' }, n: number): string {
    const op = node.kind === 'compare' ? node.op : node.strict ? 'xs' : 'x';
    return `${n}:${op}:${this.id(node.a, node.ka)}:${this.id(node.b, node.kb)}`;
  }

  /** The key of the cross with its sides swapped (b crosses above a): crossPair's other output. */
  twinKey(node: MaskNode & { kind: 'cross' }, n: number): string {
    return `${n}:${node.strict ? 'xs' : 'x'}:${this.id(node.b, node.kb)}:${this.id(node.a, node.ka)}`;
  }

  has(key: string): boolean {
    return this.masks.has(key);
  }

  get(key: string): Uint32Array | undefined {
    const hit = this.masks.get(key);
    if (hit === undefined) return undefined;
    this.masks.delete(key); // most recently used last
    this.masks.set(key, hit);
    return hit;
  }

  set(key: string, mask: Uint32Array): void {
    this.masks.set(key, mask);
    this.bytes += mask.byteLength;
    for (const [k, m] of this.masks) {
      if (this.bytes <= this.budget) break;
      this.masks.delete(k);
      this.bytes -= m.byteLength;
    }
  }
}

const OUT_SLOTS = 4;
const FULL = OUT_SLOTS; // the all-bars care mask
const depthSlot = (depth: number, k: number): number => OUT_SLOTS + 1 + 2 * depth + k;

function evalLeaf(
  node: MaskNode & { kind: 'compare' | 'cross' },
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
): void {
  const { a, b, ka, kb } = node;
  if (node.kind === 'cross') crossAbove(a, ka, b, kb, node.strict, care, idx, count, out, n);
  else if (a !== null && b !== null) compareArrays(a, b, node.op, care, idx, count, out, n);
  else if (a !== null) compareConst(a, kb, node.op, care, idx, count, out, n);
  else if (b !== null) compareConst(b, ka, flipMask(node.op), care, idx, count, out, n);
  else constant(holds(ka, kb, node.op), care, idx, count, out, n);
}

/**
 * out = (x ^ flip) & care on the care mask's words (listed, or all `count` words), 0 elsewhere; flip is
 * 0 (x & care) or -1 (~x & care).
 */
function andCare(
  x: Uint32Array,
  flip: number,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  words: number,
): void {
  if (idx === null) {
    for (let w = 0; w < count; w++) out[w] = (x[w] ^ flip) & care[w];
    return;
  }
  out.fill(0, 0, words);
  for (let j = 0; j < count; j++) {
    const w = idx[j];
    out[w] = (x[w] ^ flip) & care[w];
  }
}

/**
 * out = node's value on the care bits (0 elsewhere), over n bars; `full`: care is every bar. A care mask
 * narrower than every bar comes with the list of its non-zero words (`idx`, `count`; see masks.ts), which
 * all/any keep up to date as they narrow it, so a filter under a rare cross visits only the cross's words.
 */
function evalNode(
  node: MaskNode,
  care: Uint32Array,
  idx: Int32Array | null,
  count: number,
  out: Uint32Array,
  n: number,
  buf: MaskBuffers,
  depth: number,
  full: boolean,
  leaves: LeafCache | null,
): void {
  const words = wordsOf(n);
  switch (node.kind) {
    case 'compare':
    case 'cross': {
      if (leaves === null) return evalLeaf(node, care, idx, count, out, n);
      const key = leaves.key(node, n);
      const hit = leaves.get(key);
      if (hit !== undefined) {
        leaves.hits++;
        if (full) out.set(hit);
        else andCare(hit, 0, care, idx, count, out, words);
        return;
      }
      if (full && node.kind === 'cross' && node.a !== null && node.b !== null) {
        // A long rule's cross_above(a, b) and a short rule's cross_below(a, b) read the same two columns:
        // one pass fills both, and the other waits in the cache for the other rule (crossPair).
        const twinKey = leaves.twinKey(node, n);
        if (!leaves.has(twinKey)) {
          const twin = new Uint32Array(words);
          crossPair(node.a, node.b, node.strict, out, twin, n);
          leaves.misses++;
          leaves.set(key, out.slice(0, words));
          leaves.set(twinKey, twin);
          return;
        }
      }
      evalLeaf(node, care, idx, count, out, n);
      if (full) {
        leaves.misses++;
        leaves.set(key, out.slice(0, words));
      }
      return;
    }
    case 'not': {
      const tmp = buf.get(depthSlot(depth, 0), words);
      evalNode(node.item, care, idx, count, tmp, n, buf, depth + 1, full, leaves);
      andCare(tmp, -1, care, idx, count, out, words);
      return;
    }
    case 'all': {
      // out holds the bars still true, `list` its non-zero words; each item is evaluated only there.
      const tmp = buf.get(depthSlot(depth, 0), words);
      const list = buf.list(depth, words);
      let at = idx;
      let atCount = count;
      andCare(care, 0, care, idx, count, out, words);
      let first = full;
      for (const item of node.items) {
        if (atCount === 0) return;
        evalNode(item, out, at, atCount, tmp, n, buf, depth + 1, first, leaves);
        first = false;
        // tmp is 0 off the care words, and so is out: only listed words change. Filtering `list` in
        // place is safe, as it is written no faster than it is read.
        let k = 0;
        for (let j = 0; j < atCount; j++) {
          const w = at === null ? j : at[j];
          const v = tmp[w];
          out[w] = v;
          if (v !== 0) list[k++] = w;
        }
        at = list;
        atCount = k;
      }
      return;
    }
    case 'any': {
      // rest holds the bars not yet true, `list` its non-zero words; each item is evaluated only there.
      const tmp = buf.get(depthSlot(depth, 0), words);
      const rest = buf.get(depthSlot(depth, 1), words);
      const list = buf.list(depth, words);
      let at = idx;
      let atCount = count;
      andCare(care, 0, care, idx, count, rest, words);
      out.fill(0, 0, words);
      let first = full;
      for (const item of node.items) {
        if (atCount === 0) return;
        evalNode(item, rest, at, atCount, tmp, n, buf, depth + 1, first, leaves);
        first = false;
        let k = 0;
        for (let j = 0; j < atCount; j++) {
          const w = at === null ? j : at[j];
          const t = tmp[w];
          out[w] |= t;
          const r = rest[w] & ~t;
          rest[w] = r;
          if (r !== 0) list[k++] = w;
        }
        at = list;
        atCount = k;
      }
      return;
    }
  }
}

/**
 * Each rule's bitset over `n` bars (undefined where the rule is undefined). Every rule is resolved
 * before any runs, in evalExpr's order. With `buffers`, outputs are the owner's reused bitsets (slot =
 * the rule's position); without, fresh ones. With `leaves`, leaf bitsets are taken from and kept there.
 */
export function evalMasks(
  rules: readonly (Expr | undefined)[],
  n: number,
  values: (op: Operand) => Series,
  buffers?: MaskBuffers,
  leaves: LeafCache | null = null,
): (Uint32Array | undefined)[] {
  const nodes = rules.map((e) => (e === undefined ? undefined : resolveRule(e, values)));
  const buf = buffers ?? new MaskBuffers();
  const words = wordsOf(n);
  const full = buf.get(FULL, words);
  fillAll(full, n);
  return nodes.map((node, k) => {
    if (node === undefined) return undefined;
    const out = buffers === undefined ? new Uint32Array(words) : buf.get(k, words);
    evalNode(node, full, null, words, out, n, buf, 0, true, leaves);
    return out;
  });
}

/** A bitset as 0/1 bytes (the simulator's public Signals format). */
export function unpackMask(mask: Uint32Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (mask[i >>> 5] >>> (i & 31)) & 1;
  return out;
}
