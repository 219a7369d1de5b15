import { outputArrays } from '../indicators/outputs.js';
import type { FeatureDef } from '../types.js';
import { PIVOT_PARAMS, intParam, pivotLists } from './pivots.js';

export const zonesWarmup = (left: number, right: number): number => left + right;

export interface ZonesOutputs {
  support: Float64Array;
  resistance: Float64Array;
  supportStrength: Float64Array;
  resistanceStrength: Float64Array;
  supportDist: Float64Array;
  resistanceDist: Float64Array;
}

/**
 * Support/resistance zones from confirmed pivots (highs and lows alike: a broken resistance is the next
 * support). A pivot joins the nearest zone whose level lies within `tolerancePct` percent of the zone level,
 * moving the level to the mean of its pivot prices and adding a touch; otherwise it opens a new zone. At most
 * `maxZones` live at once; when full, the zone touched longest ago is replaced, which keeps the work per bar
 * O(maxZones) and the whole pass O(n). A pivot at p enters at bar p + right (its confirmation), never earlier.
 * Per bar: the highest zone level <= close (support) and lowest > close (resistance) among zones with at least
 * `minTouches` touches, their touches, and their distance from the close in percent of the close.
 */
export function zones(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  left: number,
  right: number,
  tolerancePct: number,
  maxZones: number,
  minTouches: number,
): ZonesOutputs {
  const o = zonesInto(
    high,
    low,
    close,
    left,
    right,
    tolerancePct,
    maxZones,
    minTouches,
    outputArrays(undefined, 6, close.length),
  );
  return {
    support: o[0],
    resistance: o[1],
    supportStrength: o[2],
    resistanceStrength: o[3],
    supportDist: o[4],
    resistanceDist: o[5],
  };
}

/**
 * The live zones: level (mean of its pivot prices), price sum, touches, bar of the last touch; and the
 * zones with at least `minTouches` touches ranked by (level, zone index): `order[0 .. ranked)` with their
 * levels in `sorted`, kept in step with every pivot (at most `maxZones`, so a linear insertion).
 */
interface ZoneSet {
  readonly level: Float64Array;
  readonly sum: Float64Array;
  readonly touches: Int32Array;
  readonly lastAt: Int32Array;
  count: number;
  readonly order: Int32Array;
  readonly sorted: Float64Array;
  ranked: number;
}

/**
 * A confirmed pivot at bar `at` joins the nearest zone within
 * tolerance, else opens one (replacing the stalest when full).
 */
function addPivot(zs: ZoneSet, price: number, at: number, tol: number, minTouches: number): void {
  const { level, sum, touches, lastAt } = zs;
  let best = -1;
  let bestDist = Infinity;
  for (let z = 0; z < zs.count; z++) {
    const d = Math.abs(price - level[z]);
    if (d <= Math.abs(level[z]) * tol && d < bestDist) {
      best = z;
      bestDist = d;
    }
  }
  if (best < 0) {
    if (zs.count < level.length) best = zs.count++;
    else {
      best = 0;
      for (let z = 1; z < zs.count; z++) if (lastAt[z] < lastAt[best]) best = z;
    }
    sum[best] = 0;
    touches[best] = 0;
  }
  sum[best] += price;
  touches[best]++;
  level[best] = sum[best] / touches[best];
  lastAt[best] = at;
  rerank(zs, best, minTouches);
}

/**
 * Zone z changed: drop its old place in the ranking and, if it has enough touches, insert it again.
 * Levels are never NaN (a pivot price is not NaN, and a zone only takes prices within a finite distance).
 */
function rerank(zs: ZoneSet, z: number, minTouches: number): void {
  const { order, sorted } = zs;
  let m = zs.ranked;
  let j = 0;
  while (j < m && order[j] !== z) j++;
  if (j < m) {
    for (; j + 1 < m; j++) {
      order[j] = order[j + 1];
      sorted[j] = sorted[j + 1];
    }
    m--;
  }
  if (zs.touches[z] >= minTouches) {
    const lv = zs.level[z];
    let q = m;
    for (; q > 0 && (sorted[q - 1] > lv || (sorted[q - 1] === lv && order[q - 1] > z)); q--) {
      order[q] = order[q - 1];
      sorted[q] = sorted[q - 1];
    }
    order[q] = z;
    sorted[q] = lv;
    m++;
  }
  zs.ranked = m;
}

/**
 * zones() into `out` = [support, resistance, support_strength,
 * resistance_strength, support_dist, resistance_dist], every element written.
 *
 * Equivalent to scanning every zone on every bar for the highest level <= close (support) and the lowest
 * level > close (resistance), the lowest zone index winning a tie. The counted zones are kept ranked by
 * (level, index), and `k` = how many of them lie at or below the close: the close moves little against
 * the zone spacing, so k moves zero or one step per bar. Support is the first of the run of equal levels
 * ending at k - 1 (the lowest index among them), resistance the entry at k. The outputs are recomputed only
 * when k or a zone changes; pivots (confirmed at bar p + right) are applied in stretches between confirmations.
 */
export function zonesInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  left: number,
  right: number,
  tolerancePct: number,
  maxZones: number,
  minTouches: number,
  out: Float64Array[],
): Float64Array[] {
  const n = close.length;
  const { highs, lows } = pivotLists(high, low, left, right);
  const zs: ZoneSet = {
    level: new Float64Array(maxZones),
    sum: new Float64Array(maxZones),
    touches: new Int32Array(maxZones),
    lastAt: new Int32Array(maxZones),
    count: 0,
    order: new Int32Array(maxZones),
    sorted: new Float64Array(maxZones),
    ranked: 0,
  };
  const { level, touches, order, sorted } = zs;
  const tol = tolerancePct / 100;
  const [support, resistance, supportStrength, resistanceStrength, supportDist, resistanceDist] = out;
  let hk = 0;
  let lk = 0;
  let highAt = highs.count > 0 ? highs.bars[0] + right : n; // bar confirming the next pivot high; n for none
  let lowAt = lows.count > 0 ? lows.bars[0] + right : n;
  let k = 0;
  let sLevel = NaN; // support's level and touches (NaN when there is none), resistance's likewise
  let sTouches = NaN;
  let rLevel = NaN;
  let rTouches = NaN;
  let i = 0;
  while (i < n) {
    // A bar confirming both a pivot high and low adds the high first.
    if (i === highAt) {
      addPivot(zs, high[i - right], i - right, tol, minTouches);
      highAt = ++hk < highs.count ? highs.bars[hk] + right : n;
    }
    if (i === lowAt) {
      addPivot(zs, low[i - right], i - right, tol, minTouches);
      lowAt = ++lk < lows.count ? lows.bars[lk] + right : n;
    }
    const m = zs.ranked;
    if (k > m) k = m;
    let fresh = false; // sLevel.. describe zone state as of this stretch's start
    const until = highAt < lowAt ? highAt : lowAt;
    for (; i < until; i++) {
      const c = close[i];
      if (c !== c) {
        // No level compares with a NaN close: no support, no resistance.
        support[i] =
          resistance[i] =
          supportStrength[i] =
          resistanceStrength[i] =
          supportDist[i] =
          resistanceDist[i] =
            NaN;
        continue;
      }
      let kk = k;
      while (kk < m && sorted[kk] <= c) kk++;
      while (kk > 0 && sorted[kk - 1] > c) kk--;
      if (kk !== k || !fresh) {
        k = kk;
        fresh = true;
        if (k > 0) {
          let j = k - 1;
          while (j > 0 && sorted[j - 1] === sorted[k - 1]) j--;
          sLevel = level[order[j]];
          sTouches = touches[order[j]];
        } else sLevel = sTouches = NaN;
        if (k < m) {
          rLevel = level[order[k]];
          rTouches = touches[order[k]];
        } else rLevel = rTouches = NaN;
      }
      support[i] = sLevel;
      supportStrength[i] = sTouches;
      supportDist[i] = ((c - sLevel) / c) * 100; // NaN without a support
      resistance[i] = rLevel;
      resistanceStrength[i] = rTouches;
      resistanceDist[i] = ((rLevel - c) / c) * 100;
    }
  }
  return out;
}

export const ZONES: FeatureDef = {
  name: 'zones',
  kind: 'structure',
  description:
    'Support/resistance zones clustered from confirmed pivots ' +
    '(percent tolerance, strength = touches): nearest support ' +
    'below and resistance above the close, their strength and distance in percent. warmup is a lower bound (exact ' +
    'for min_touches 1): the first zone below the close depends on the data, so NaN may last beyond it.',
  params: [
    ...PIVOT_PARAMS,
    {
      name: 'tolerance',
      kind: 'float',
      default: 0.5,
      min: 0.01,
      max: 20,
      description: 'percent of the zone level within which a pivot joins a zone',
    },
    {
      name: 'max_zones',
      kind: 'int',
      default: 12,
      min: 1,
      max: 64,
      description: 'zones kept at once; the one touched longest ago is dropped',
    },
    {
      name: 'min_touches',
      kind: 'int',
      default: 1,
      min: 1,
      max: 10,
      description: 'touches a zone needs before it counts as support or resistance',
    },
  ],
  outputs: ['support', 'resistance', 'support_strength', 'resistance_strength', 'support_dist', 'resistance_dist'],
  warmup: (p) => zonesWarmup(intParam(p.left), intParam(p.right)),
  compute: (feed, p, _source, out) =>
    zonesInto(
      feed.high,
      feed.low,
      feed.close,
      intParam(p.left),
      intParam(p.right),
      p.tolerance,
      intParam(p.max_zones),
      intParam(p.min_touches),
      outputArrays(out, 6, feed.length),
    ),
};
