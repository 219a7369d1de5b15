import type { Sizing } from './types.js';

/** Returned by `positionUnits` when risk sizing has no usable stop distance. */
export const NO_STOP_DISTANCE = -1;

/**
 * Units to open at `price` with `equity` available (the simulator is always flat when it sizes, so
 * equity is cash). The notional plus the entry fee never exceeds the budget:
 * all-in buys floor(equity / (price * (1 + fee))) whole units. Risk sizing loses `riskFraction` of
 * equity if the stop fills at its price (fees and slippage not included), capped at all-in: no leverage.
 * Called once per entry, not per bar.
 */
export function positionUnits(
  sizing: Sizing,
  equity: number,
  price: number,
  feeRate: number,
  stopDistance: number,
): number {
  const allIn = equity / (price * (1 + feeRate));
  let units: number;
  switch (sizing.mode) {
    case 'all-in':
      units = allIn;
      break;
    case 'fraction':
      units = allIn * sizing.fraction;
      break;
    case 'risk':
      if (!(stopDistance > 0) || !Number.isFinite(stopDistance)) return NO_STOP_DISTANCE;
      units = Math.min(allIn, (equity * sizing.riskFraction) / stopDistance);
      break;
  }
  if (sizing.wholeUnits) units = Math.floor(units);
  return units > 0 ? units : 0;
}
