import type { FeatureDef } from '../types.js';
import { outputArrays } from './outputs.js';

export const obvWarmup = (): number => 0;

/**
 * On-balance volume: starts at 0 on bar 0, then adds the bar's volume when the close rises, subtracts
 * it when the close falls, and leaves it unchanged when the close is equal. Equivalent to
 * technicalindicators' OBV (which emits nothing for bar 0, so its k-th value is bar k + 1 here);
 * TA-Lib starts at volume[0] instead of 0, a constant offset that no cross or slope rule can see.
 * A NaN close or volume poisons every later value (the running total carries it).
 */
export function obv(
  close: Float64Array,
  volume: Float64Array,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  const n = close.length;
  if (n === 0) return out;
  // NaN written 0 / 0 (a constant, folded by the parser): a `NaN` literal in a branch that never ran made V8
  // box `total` on every bar (see prime.ts).
  let total = close[0] === close[0] && volume[0] === volume[0] ? 0 : 0 / 0;
  out[0] = total;
  for (let i = 1; i < n; i++) {
    const c = close[i];
    const pc = close[i - 1];
    const v = volume[i];
    if (c !== c || pc !== pc || v !== v) total = 0 / 0;
    else if (c > pc) total += v;
    else if (c < pc) total -= v;
    out[i] = total;
  }
  return out;
}

export const OBV: FeatureDef = {
  name: 'obv',
  kind: 'indicator',
  description: 'On-balance volume (0 at the first bar)',
  params: [],
  outputs: ['value'],
  warmup: () => obvWarmup(),
  compute: (feed, _p, _source, out) => {
    const o = outputArrays(out, 1, feed.length);
    obv(feed.close, feed.volume, o[0]);
    return o;
  },
};
