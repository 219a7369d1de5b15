// The FeatureDef of a one-output indicator with a single `period`: eleven kernels (moving averages,
// oscillators, ATR-like ranges) were each wrapped by the same fourteen lines. Only the name, the text,
// the period's bounds, the warm-up and the kernel differ; the kernel itself stays in its own file.
import type { FeatureDef } from '../types.js';
import { outputArrays } from './outputs.js';
import { priceSource } from './source.js';

interface PeriodIndicator {
  readonly name: string;
  readonly description: string;
  /** The `period` parameter's default and bounds. */
  readonly period: { readonly default: number; readonly min: number; readonly max: number };
  readonly warmup: (period: number) => number;
}

const periodParam = (p: PeriodIndicator['period']) => [
  { name: 'period', kind: 'int' as const, default: p.default, min: p.min, max: p.max },
];

/** An indicator of one price series: the play's `source`, close when it names none. */
export function sourceIndicator(
  d: PeriodIndicator & { readonly kernel: (values: Float64Array, period: number, out: Float64Array) => unknown },
): FeatureDef {
  return {
    name: d.name,
    kind: 'indicator',
    description: d.description,
    defaultSource: 'close',
    params: periodParam(d.period),
    outputs: ['value'],
    warmup: (p) => d.warmup(p.period),
    compute: (feed, p, source = 'close', out) => {
      const o = outputArrays(out, 1, feed.length);
      d.kernel(priceSource(feed, source), p.period, o[0]);
      return o;
    },
  };
}

/** An indicator of high, low and close; a play's `source` does not apply to it. */
export function hlcIndicator(
  d: PeriodIndicator & {
    readonly kernel: (
      high: Float64Array,
      low: Float64Array,
      close: Float64Array,
      period: number,
      out: Float64Array,
    ) => unknown;
  },
): FeatureDef {
  return {
    name: d.name,
    kind: 'indicator',
    description: d.description,
    params: periodParam(d.period),
    outputs: ['value'],
    warmup: (p) => d.warmup(p.period),
    compute: (feed, p, _source, out) => {
      const o = outputArrays(out, 1, feed.length);
      d.kernel(feed.high, feed.low, feed.close, p.period, o[0]);
      return o;
    },
  };
}
