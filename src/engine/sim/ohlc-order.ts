/**
 * Whether every bar of a feed's first n bars is finite and ordered: low <= open, close <= high. Real and
 * synthetic candles are (the importers refuse others), but the engine takes any numbers, so the
 * simulator's short cuts that rely on it ask here first. Remembered per memory block, offset and
 * length of the low column (with the other three columns' positions checked), like bits.ts' scans,
 * because the GA slices fresh views of the same shared columns for every evaluation; sound because
 * feeds are never written.
 */
interface Checked {
  readonly open: ArrayBufferLike;
  readonly openAt: number;
  readonly high: ArrayBufferLike;
  readonly highAt: number;
  readonly close: ArrayBufferLike;
  readonly closeAt: number;
  readonly n: number;
  readonly ordered: boolean;
}

const CHECKED = new WeakMap<ArrayBufferLike, Map<number, Checked[]>>();

export function ohlcOrdered(
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  n: number,
): boolean {
  let perBuffer = CHECKED.get(low.buffer);
  if (perBuffer === undefined) {
    perBuffer = new Map();
    CHECKED.set(low.buffer, perBuffer);
  }
  let list = perBuffer.get(low.byteOffset);
  if (list === undefined) {
    list = [];
    perBuffer.set(low.byteOffset, list);
  }
  for (const c of list)
    if (
      c.n === n &&
      c.open === open.buffer &&
      c.openAt === open.byteOffset &&
      c.high === high.buffer &&
      c.highAt === high.byteOffset &&
      c.close === close.buffer &&
      c.closeAt === close.byteOffset
    )
      return c.ordered;
  let ordered = true;
  for (let i = 0; i < n; i++) {
    const l = low[i];
    const h = high[i];
    const o = open[i];
    const c = close[i];
    // Written so that a NaN fails it; and with finite ends every value between is finite.
    if (!(l > -Infinity && h < Infinity && l <= o && o <= h && l <= c && c <= h)) {
      ordered = false;
      break;
    }
  }
  const entry = {
    open: open.buffer,
    openAt: open.byteOffset,
    high: high.buffer,
    highAt: high.byteOffset,
    close: close.buffer,
    closeAt: close.byteOffset,
    n,
    ordered,
  };
  list.push(entry);
  return ordered;
}
