// The engine's shared contracts. Everything here is plain data over typed arrays so that the same
// shapes work in the main thread, in a worker over SharedArrayBuffer views, and in tests.

/** One timeframe of candles, columnar. Arrays may be views over memory the engine does not own: never write to them. */
export interface Feed {
  /** Timeframe label, e.g. '15m', '1h', '4h', '1d'. */
  readonly tf: string;
  /** Bar duration in milliseconds. */
  readonly tfMs: number;
  /** Bar open time, epoch milliseconds UTC. A bar covers [time, time + tfMs). */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
}

export type PriceSource = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4';

/** A numeric parameter of an indicator or structure. The range bounds what a play (or a gene) may ask for. */
export interface ParamDef {
  readonly name: string;
  readonly kind: 'int' | 'float';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly description?: string;
}

export type Params = Readonly<Record<string, number>>;

/**
 * An indicator or a structure, as the play language and the GA see it. The pure kernel functions live
 * in their own files (e.g. `sma(values, period)`); a FeatureDef adapts one to a Feed.
 */
export interface FeatureDef {
  /** Lower-case name used in plays: 'ema', 'macd', 'swing'. */
  readonly name: string;
  readonly kind: 'indicator' | 'structure';
  readonly description: string;
  /**
   * Which column a single-input indicator reads when the play
   * gives no `source`; undefined when it reads several columns.
   */
  readonly defaultSource?: PriceSource;
  readonly params: readonly ParamDef[];
  /** Output names; the first is the default when a play refers to the feature without `.output`. */
  readonly outputs: readonly string[];
  /** Index of the first bar whose first output is not NaN (the leading NaN count) on gap-free input. */
  warmup(params: Params): number;
  /**
   * One Float64Array of feed.length per output, in `outputs` order. Must not modify the feed. With `out`
   * (one array of feed.length per output, e.g. views over a SharedArrayBuffer, contents arbitrary) every
   * element of every output is written there (warm-up NaNs included) and `out` itself is returned;
   * without it the arrays are allocated.
   */
  compute(feed: Feed, params: Params, source?: PriceSource, out?: Float64Array[]): Float64Array[];
}
