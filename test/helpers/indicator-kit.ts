import fs from 'node:fs';
import type { FeatureDef, Feed, Params } from '../../src/engine/types.js';

/** Number of leading NaN values (the observed warm-up). */
export function leadingNaN(a: Float64Array): number {
  let i = 0;
  while (i < a.length && Number.isNaN(a[i])) i++;
  return i;
}

/** A deep copy of a feed's columns (for "inputs untouched" checks and for perturbation). */
export function copyFeed(feed: Feed): Feed {
  const c = (a: Float64Array): Float64Array => Float64Array.from(a);
  return {
    ...feed,
    time: c(feed.time),
    open: c(feed.open),
    high: c(feed.high),
    low: c(feed.low),
    close: c(feed.close),
    volume: c(feed.volume),
  };
}

export const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Every parameter at its default, min or max. */
export function paramsAt(def: FeatureDef, at: 'default' | 'min' | 'max'): Params {
  return Object.fromEntries(def.params.map((p) => [p.name, p[at]]));
}

/**
 * Parses a `datetime,open,high,low,close,volume` CSV (the 1h files in /work/shared/data) into a Feed,
 * optionally only the first `limit` bars. Test-only: no validation beyond "numbers parse".
 */
export function loadCsvFeed(file: string, limit = Infinity, tf = '1h', tfMs = 3_600_000): Feed {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const n = Math.min(lines.length, limit);
  const cols = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = lines[i].split(',');
    cols.time[i] = Date.parse(f[0].replace(' ', 'T'));
    cols.open[i] = Number(f[1]);
    cols.high[i] = Number(f[2]);
    cols.low[i] = Number(f[3]);
    cols.close[i] = Number(f[4]);
    cols.volume[i] = Number(f[5]);
    if (
      ![cols.time[i], cols.open[i], cols.high[i], cols.low[i], cols.close[i], cols.volume[i]].every(Number.isFinite)
    ) {
      throw new Error(`${file}:${i + 2}: unparsable row '${lines[i]}'`);
    }
  }
  return { tf, tfMs, ...cols, length: n };
}

export interface Tolerance {
  /** Allowed |mine - ref| as a fraction of |ref|. */
  readonly rel?: number;
  /** Allowed |mine - ref| in the indicator's own units. */
  readonly abs?: number;
}

/**
 * Compares `mine` (full length, NaN warm-up) with a reference array that starts at bar `offset`
 * (reference libraries drop their warm-up). Checks the alignment (ref covers exactly bars offset..n-1
 * unless `refLength` says otherwise), then every bar where both are defined and `skip` does not
 * exclude: |mine - ref| <= abs + rel * |ref|. Returns the worst error seen and the number of bars compared.
 */
export function compareAligned(
  label: string,
  mine: Float64Array,
  ref: ArrayLike<number | undefined>,
  offset: number,
  tol: Tolerance,
  skip: (bar: number) => boolean = () => false,
): { compared: number; maxAbs: number; maxRel: number } {
  const n = mine.length;
  if (ref.length !== n - offset)
    throw new Error(`${label}: reference has ${ref.length} values, expected ${n - offset} (bars ${offset}..${n - 1})`);
  const rel = tol.rel ?? 0;
  const abs = tol.abs ?? 0;
  let compared = 0;
  let maxAbs = 0;
  let maxRel = 0;
  for (let k = 0; k < ref.length; k++) {
    const bar = offset + k;
    const r = ref[k];
    if (r === undefined || skip(bar)) continue;
    const m = mine[bar];
    if (!Number.isFinite(m) || !Number.isFinite(r)) throw new Error(`${label}: bar ${bar}: mine ${m}, reference ${r}`);
    const err = Math.abs(m - r);
    if (err > abs + rel * Math.abs(r))
      throw new Error(`${label}: bar ${bar}: mine ${m}, reference ${r} (|diff| ${err})`);
    maxAbs = Math.max(maxAbs, err);
    if (r !== 0) maxRel = Math.max(maxRel, err / Math.abs(r));
    compared++;
  }
  return { compared, maxAbs, maxRel };
}
