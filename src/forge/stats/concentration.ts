// Trade concentration: how much of a play's net profit its best few trades made. A play whose
// profit rests on a handful of trades (one lucky spike) is fragile: remove them and nothing is left.
// The guard in the brief (`pct_return_top_10`) passes below 40 %.

/**
 * Share of total net profit made by the k largest trades:
 * (sum of the k largest pnl values) / (sum of all pnl values), as a FRACTION (0.162 = 16.2 %).
 *
 * - With k or fewer trades, all of them are the top: the share is 1 (all profit from <= k trades).
 * - The share can exceed 1 when the other trades lose money in total: the top k made more than all
 *   the profit. That is the most concentrated case, not an error.
 * - Total net profit <= 0: NaN. There is no profit to be concentrated; a guard comparing
 *   `share < threshold` then fails, which is the right outcome for a losing play.
 * - Any NaN pnl, an empty list, or k < 1: NaN.
 * pnl may be in money or in returns (any additive unit); it is not mutated.
 */
export function topTradeShare(pnl: ArrayLike<number>, k = 10): number {
  const n = pnl.length;
  if (n === 0 || !Number.isInteger(k) || k < 1) return NaN;
  let total = 0;
  for (let i = 0; i < n; i++) total += pnl[i];
  if (Number.isNaN(total) || !(total > 0)) return NaN;
  if (n <= k) return 1; // exactly, not a re-summed 0.9999999999999999
  const sorted = Float64Array.from(pnl).sort();
  let top = 0;
  for (let i = n - 1; i >= Math.max(0, n - k); i--) top += sorted[i];
  return top / total;
}
