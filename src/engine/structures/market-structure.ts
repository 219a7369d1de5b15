import { outputArrays } from '../indicators/outputs.js';
import type { FeatureDef } from '../types.js';
import { PIVOT_PARAMS, intParam, pivotLists } from './pivots.js';

/**
 * Earliest bar with two confirmed pivot highs (and lows). Two pivot highs d bars apart with
 * d <= min(left, right) would each have to be above the other, so the second is at least
 * left + min(left, right) + 1, and is visible `right` bars later. A bar can be a pivot high and low at
 * once (an outside bar), so the lows do not push this further out; the bound is attainable.
 */
export const marketStructureWarmup = (left: number, right: number): number => left + Math.min(left, right) + 1 + right;

export interface MarketStructureOutputs {
  trend: Float64Array;
  bos: Float64Array;
  bosLevel: Float64Array;
  bosDir: Float64Array;
}

/**
 * Trend from the last two confirmed swing highs and lows: +1 for a higher high and a higher low, -1 for a
 * lower high and a lower low, 0 for anything mixed; NaN until two of each are confirmed.
 * Break of structure: `bos` is +1 on the bar whose close first goes above the latest confirmed swing high,
 * -1 on the bar whose close first goes below the latest confirmed swing low, else 0 (NaN before any swing is
 * confirmed); each swing level breaks at most once. `bos_level` / `bos_dir` hold the level and direction of
 * the most recent break (NaN before the first).
 */
export function marketStructure(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  left: number,
  right: number,
): MarketStructureOutputs {
  const [trend, bos, bosLevel, bosDir] = marketStructureInto(
    high,
    low,
    close,
    left,
    right,
    outputArrays(undefined, 4, close.length),
  );
  return { trend, bos, bosLevel, bosDir };
}

/**
 * marketStructure() into `out` = [trend, bos, bos_level, bos_dir], every element written.
 * Walks the bars in stretches between pivot confirmations (pivot p is confirmed at bar p + right): within
 * a stretch the four swing levels, and so the trend, are constant, and only the break test runs per bar.
 */
export function marketStructureInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  left: number,
  right: number,
  out: Float64Array[],
): Float64Array[] {
  const n = close.length;
  const { highs, lows } = pivotLists(high, low, left, right);
  const [trend, bos, bosLevel, bosDir] = out;
  let lh = NaN;
  let ph = NaN;
  let ll = NaN;
  let pl = NaN;
  let highBroken = true;
  let lowBroken = true;
  let level = NaN;
  let dir = NaN;
  let hk = 0;
  let lk = 0;
  let highAt = highs.count > 0 ? highs.bars[0] + right : n; // bar confirming the next pivot high; n for none
  let lowAt = lows.count > 0 ? lows.bars[0] + right : n;
  let i = 0;
  while (i < n) {
    // A bar confirming both a high and a low applies the high first, as every consumer of the pair does.
    if (i === highAt) {
      ph = lh;
      lh = high[i - right];
      highBroken = false;
      highAt = ++hk < highs.count ? highs.bars[hk] + right : n;
    }
    if (i === lowAt) {
      pl = ll;
      ll = low[i - right];
      lowBroken = false;
      lowAt = ++lk < lows.count ? lows.bars[lk] + right : n;
    }
    // Any NaN among the four levels makes both comparisons false and falls through to NaN.
    const t = lh > ph && ll > pl ? 1 : lh < ph && ll < pl ? -1 : ph === ph && pl === pl ? 0 : NaN;
    const quiet = lh === lh || ll === ll ? 0 : NaN; // bos on a bar without a break
    const until = highAt < lowAt ? highAt : lowAt;
    for (; i < until; i++) {
      trend[i] = t;
      const c = close[i];
      let event = quiet;
      if (!highBroken && c > lh) {
        highBroken = true;
        event = 1;
        level = lh;
        dir = 1;
      } else if (!lowBroken && c < ll) {
        lowBroken = true;
        event = -1;
        level = ll;
        dir = -1;
      }
      bos[i] = c === c ? event : NaN;
      bosLevel[i] = level;
      bosDir[i] = dir;
    }
  }
  return out;
}

export const MARKET_STRUCTURE: FeatureDef = {
  name: 'market_structure',
  kind: 'structure',
  description:
    'Trend from confirmed swings (+1 higher highs and higher lows, -1 lower highs and lower lows, 0 mixed) and ' +
    'break of structure (close beyond the latest confirmed swing high/low). warmup is the earliest possible first ' +
    'trend value; on real data the second pivots may come later, so NaN may last beyond it.',
  params: PIVOT_PARAMS,
  outputs: ['trend', 'bos', 'bos_level', 'bos_dir'],
  warmup: (p) => marketStructureWarmup(intParam(p.left), intParam(p.right)),
  compute: (feed, p, _source, out) =>
    marketStructureInto(
      feed.high,
      feed.low,
      feed.close,
      intParam(p.left),
      intParam(p.right),
      outputArrays(out, 4, feed.length),
    ),
};
