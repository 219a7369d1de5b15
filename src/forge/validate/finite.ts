/** NaN / ±Infinity become null: JSON-safe and explicit. */
export const finiteOrNull = (x: number | null | undefined): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x;
