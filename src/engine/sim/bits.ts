import type { Signals } from './types.js';

/**
 * Signals as packed bitsets (bit s of word s >>> 5 is the signal at bar s), the form the rule kernels
 * (src/engine/play/masks.ts) produce and the simulator scans: a flat stretch is skipped by looking
 * for the next set bit a word at a time instead of testing each bar. Bar s of a simulated feed reads
 * bit s + offset, so a range of a longer run is simulated without copying its signals.
 */
export interface MaskSignals {
  readonly longEntry: Uint32Array;
  readonly shortEntry: Uint32Array;
  readonly longExit: Uint32Array | null;
  readonly shortExit: Uint32Array | null;
  readonly offset: number;
}

export function isMaskSignals(s: Signals | MaskSignals): s is MaskSignals {
  return (s as MaskSignals).offset !== undefined;
}

/** The same signals read from bar `start` on (bar 0 of the slice is bar `start` of these). */
export function shiftMasks(s: MaskSignals, start: number): MaskSignals {
  return {
    longEntry: s.longEntry,
    shortEntry: s.shortEntry,
    longExit: s.longExit,
    shortExit: s.shortExit,
    offset: s.offset + start,
  };
}

/** 0/1 bytes (simulate()'s public Signals) as bits; absent exits stay null. */
export function packSignals(s: Signals): MaskSignals {
  return {
    longEntry: pack(s.longEntry),
    shortEntry: pack(s.shortEntry),
    longExit: s.longExit ? pack(s.longExit) : null,
    shortExit: s.shortExit ? pack(s.shortExit) : null,
    offset: 0,
  };
}

function pack(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array((bytes.length + 31) >>> 5);
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) out[i >>> 5] |= 1 << (i & 31);
  return out;
}

export const bitAt = (w: Uint32Array, i: number): number => (w[i >>> 5] >>> (i & 31)) & 1;

/** The first set bit at index >= from and < end in either of two bitsets (b may be null), else end. */
export function nextSetBit(a: Uint32Array, b: Uint32Array | null, from: number, end: number): number {
  if (from >= end) return end;
  let k = from >>> 5;
  const lastWord = (end - 1) >>> 5;
  let x = (a[k] | (b === null ? 0 : b[k])) & (-1 << (from & 31));
  while (x === 0) {
    if (++k > lastWord) return end;
    x = a[k] | (b === null ? 0 : b[k]);
  }
  const i = (k << 5) + (31 - Math.clz32(x & -x));
  return i < end ? i : end;
}

/** The signals at bar s as simulatePlain's bits: 1 long entry, 2 short entry, 4 long exit, 8 short exit. */
export function bitsAt(s: MaskSignals, bar: number): number {
  const i = bar + s.offset;
  return (
    bitAt(s.longEntry, i) |
    (bitAt(s.shortEntry, i) << 1) |
    (s.longExit === null ? 0 : bitAt(s.longExit, i) << 2) |
    (s.shortExit === null ? 0 : bitAt(s.shortExit, i) << 3)
  );
}

// Per memory block, per offset, per length: what a range of a price column holds. Keyed by the bytes,
// not the array object, because the GA slices fresh views of the same columns for every evaluation
// (numbers as keys: no string built per call). Sound because feeds are never written (the engine's
// rule for every caller). Bit 1: no +/-Infinity; bit 2: no NaN either.
const SCANNED = new WeakMap<ArrayBufferLike, Map<number, Map<number, number>>>();
const NO_INF = 1;
const FINITE = 2;

function scan(a: Float64Array, n: number): number {
  let perBuffer = SCANNED.get(a.buffer);
  if (perBuffer === undefined) {
    perBuffer = new Map();
    SCANNED.set(a.buffer, perBuffer);
  }
  let perOffset = perBuffer.get(a.byteOffset);
  if (perOffset === undefined) {
    perOffset = new Map();
    perBuffer.set(a.byteOffset, perOffset);
  }
  let v = perOffset.get(n);
  if (v === undefined) {
    let inf = false;
    let nan = false;
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (x === Infinity || x === -Infinity) inf = true;
      else if (x !== x) nan = true;
    }
    v = (inf ? 0 : NO_INF) | (inf || nan ? 0 : FINITE);
    perOffset.set(n, v);
  }
  return v;
}

/** No +/-Infinity in a[0..n). */
export const noInfinity = (a: Float64Array, n: number): boolean => (scan(a, n) & NO_INF) !== 0;
/** Every value of a[0..n) finite (no NaN, no +/-Infinity). */
export const allFinite = (a: Float64Array, n: number): boolean => (scan(a, n) & FINITE) !== 0;
