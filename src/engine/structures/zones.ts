import { outputArrays } from '../indicators/outputs.js';
import type { FeatureDef } from '../types.js';
import { PIVOT_PARAMS, intParam, pivotFlags } from './pivots.js';

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
  const o = zonesInto(high, low, close, left, right, tolerancePct, maxZones, minTouches, outputArrays(undefined, 6, close.length));
  return { support: o[0], resistance: o[1], supportStrength: o[2], resistanceStrength: o[3], supportDist: o[4], resistanceDist: o[5] };
}

/** The live zones: level (mean of its pivot prices), price sum, touches, bar of the last touch. */
interface ZoneSet {
  readonly level: Float64Array;
  readonly sum: Float64Array;
  readonly touches: Int32Array;
  readonly lastAt: Int32Array;
  count: number;
}

/** A confirmed pivot at bar `at` joins the nearest zone within tolerance, else opens one (replacing the stalest when full). */
function addPivot(zs: ZoneSet, price: number, at: number, tol: number): void {
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
}

/** zones() into `out` = [support, resistance, support_strength, resistance_strength, support_dist, resistance_dist], every element written. */
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
  const { isHigh, isLow } = pivotFlags(high, low, left, right);
  const zs: ZoneSet = { level: new Float64Array(maxZones), sum: new Float64Array(maxZones), touches: new Int32Array(maxZones), lastAt: new Int32Array(maxZones), count: 0 };
  const { level, touches } = zs;
  const tol = tolerancePct / 100;
  const [support, resistance, supportStrength, resistanceStrength, supportDist, resistanceDist] = out;
  // The nearest zones only change when a zone changes or the close leaves [level[sup], level[res]):
  // no zone lies strictly between them, so a close inside that range keeps both. Rescan otherwise.
  let sup = -1;
  let res = -1;
  let stale = true;
  for (let i = 0; i < n; i++) {
    const p = i - right;
    if (p >= 0 && isHigh[p] === 1) {
      addPivot(zs, high[p], p, tol);
      stale = true;
    }
    if (p >= 0 && isLow[p] === 1) {
      addPivot(zs, low[p], p, tol);
      stale = true;
    }
    const c = close[i];
    if (stale || !((sup < 0 || level[sup] <= c) && (res < 0 || c < level[res]))) {
      sup = -1;
      res = -1;
      for (let z = 0; z < zs.count; z++) {
        if (touches[z] < minTouches) continue;
        const lv = level[z];
        if (lv <= c) {
          if (sup < 0 || lv > level[sup]) sup = z;
        } else if (lv > c) {
          if (res < 0 || lv < level[res]) res = z;
        }
      }
      stale = c !== c; // a NaN close matched nothing; look again next bar
    }
    support[i] = sup < 0 ? NaN : level[sup];
    supportStrength[i] = sup < 0 ? NaN : touches[sup];
    supportDist[i] = sup < 0 ? NaN : ((c - level[sup]) / c) * 100;
    resistance[i] = res < 0 ? NaN : level[res];
    resistanceStrength[i] = res < 0 ? NaN : touches[res];
    resistanceDist[i] = res < 0 ? NaN : ((level[res] - c) / c) * 100;
  }
  return out;
}

export const ZONES: FeatureDef = {
  name: 'zones',
  kind: 'structure',
  description:
    'Support/resistance zones clustered from confirmed pivots (percent tolerance, strength = touches): nearest support ' +
    'below and resistance above the close, their strength and distance in percent. warmup is a lower bound (exact ' +
    'for min_touches 1): the first zone below the close depends on the data, so NaN may last beyond it.',
  params: [
    ...PIVOT_PARAMS,
    { name: 'tolerance', kind: 'float', default: 0.5, min: 0.01, max: 20, description: 'percent of the zone level within which a pivot joins a zone' },
    { name: 'max_zones', kind: 'int', default: 12, min: 1, max: 64, description: 'zones kept at once; the one touched longest ago is dropped' },
    { name: 'min_touches', kind: 'int', default: 1, min: 1, max: 10, description: 'touches a zone needs before it counts as support or resistance' },
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
