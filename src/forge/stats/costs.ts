// Break-even cost: the per-fill fee (in basis points) at which a play's edge is exactly used up.
// The brief's stress guard reports it next to the stressed Sharpe, with edge buffer =
// break-even - base fee (5 bps); a play whose break-even sits near real costs has no margin.
//
// Cost model: each fill costs `fee` times the notional it trades, and a trade's notional is its
// capital (fills = 2 for a full-size round trip, 4 for a reversal-in and reversal-out, 2·size for a
// partial size). So a trade's net return is gross - fills · fee. Slippage quoted in bps per fill
// is the same kind of cost: the break-even is for fee + slippage together.

export interface BreakEvenOptions {
  /**
   * false (default): the fee at which the SUM (equivalently the mean) of net trade returns is 0:
   * fee = Σ gross / Σ fills.
   * true: the fee at which the COMPOUNDED equity ends where it started: Π(1 + gross - fills·fee) = 1.
   */
  readonly compounded?: boolean;
}

function fillAt(fills: number | ArrayLike<number>, i: number): number {
  return typeof fills === 'number' ? fills : fills[i];
}

/**
 * Break-even per-fill fee in bps for per-trade gross returns (fractions: 0.01 = +1 %) and the
 * number of fills per trade (a number for all trades, or one per trade). Negative when the play
 * loses before costs (it would need a rebate). NaN when there are no trades, no fills, or any
 * NaN / negative fill count or NaN return; NaN also when compounded and a trade loses 100 % or
 * more with no fill to offset (no fee can bring the product back to 1).
 */
export function breakEvenFeeBps(
  grossReturns: ArrayLike<number>,
  fillsPerTrade: number | ArrayLike<number>,
  options: BreakEvenOptions = {},
): number {
  const n = grossReturns.length;
  if (typeof fillsPerTrade !== 'number' && fillsPerTrade.length !== n) {
    throw new RangeError(`fillsPerTrade has ${fillsPerTrade.length} entries for ${n} trades`);
  }
  let sumGross = 0;
  let sumFills = 0;
  for (let i = 0; i < n; i++) {
    const f = fillAt(fillsPerTrade, i);
    if (Number.isNaN(grossReturns[i]) || !(f >= 0)) return NaN;
    sumGross += grossReturns[i];
    sumFills += f;
  }
  if (n === 0 || !(sumFills > 0)) return NaN;
  if (!options.compounded) return (sumGross / sumFills) * 1e4;
  return compoundedRoot(grossReturns, fillsPerTrade) * 1e4;
}

/** Root of h(fee) = Σ log(1 + g_i - n_i·fee), strictly decreasing on fee < min (1 + g_i)/n_i. */
function compoundedRoot(g: ArrayLike<number>, fills: number | ArrayLike<number>): number {
  const n = g.length;
  let feeMax = Infinity;
  for (let i = 0; i < n; i++) {
    const f = fillAt(fills, i);
    if (f > 0) feeMax = Math.min(feeMax, (1 + g[i]) / f);
    else if (!(1 + g[i] > 0)) return NaN;
  }
  const h = (fee: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log(1 + g[i] - fillAt(fills, i) * fee);
    return s;
  };
  // h -> -Infinity at feeMax; find lo with h(lo) > 0 by stepping down (rebates are unbounded below).
  let hi = feeMax;
  let lo = Math.min(0, feeMax - 1e-4);
  let step = 1e-4;
  while (!(h(lo) > 0)) {
    hi = lo;
    lo -= step;
    step *= 2;
    if (!Number.isFinite(lo)) return NaN;
  }
  // Bisection to full double precision: ~100 halvings at most.
  for (let k = 0; k < 200; k++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (h(mid) > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
