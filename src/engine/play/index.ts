// The play language. A play is a YAML file:
//
//   market: {symbol: BTCUSDT, tf: 1h}            # tf = execution timeframe (not a gene)
//   crossover: through-ties                       # default; or strict (backtesting.py), see below
//   features:                                     # named; an indicator or a structure
//     fast: {indicator: ema, params: {period: 20}, source: hl2}
//     daily: {indicator: sma, tf: 1d, params: {period: 50}}   # higher tf: visible once its bar closed
//     sw: {structure: swing, params: {left: 3, right: 3}}
//   entry:                                        # long and/or short; a side without rules never opens
//     long: [rule, rule]                          # a list means all
//     short: {any: [rule, {not: rule}]}
//   exit:
//     on_opposite: true                           # default true
//     stop_loss: {pct: 2}                         # or {atr: 2.5, period: 14}; also take_profit, trailing_stop
//     time_stop: 48                               # bars, or {bars: 48, optional: true}
//     long: rule                                  # explicit exits (close without reversing)
//     end_of_data: close                          # or open (backtesting.py's convention)
//   sizing: {mode: all-in | fraction | risk, fraction: 0.5, risk: 0.01, whole_units: false}
//   costs: {fee_bps: 10, slippage_bps: 2}
//   cash: 10000
//
// Rules: {left: X, op: '>', right: Y} (> < >= <= == !=; quote the operator in YAML), {cross_above: [X, Y]},
// {cross_below: [X, Y]}, {all: [...]}, {any: [...]}, {not: rule}. Operands: a feature (`fast`, `bb.upper`),
// a price (open high low close volume hl2 hlc3 ohlc4), a number, or an inline indicator (`ema(20)`,
// `rsi(period=14)`, `bbands(20, 2).upper`, `ema(20, source=hl2)`, positional in the FeatureDef's order).
// NaN compares false. cross_above(a, b) means "was below, now above": at bar i, a[i] > b[i] and a < b on
// the last bar before i where a and b differ. A run of ties between is part of the crossing (1 2 2 3
// against 2 crosses at the 3); a touch that returns to its side is not (3 2 3 against 2 never crosses
// above); a NaN on either side ends the history (the next cross needs a bar below after it); never at
// bar 0. cross_below(a, b) is cross_above(b, a). `crossover: strict` (top level, not a gene) gives
// backtesting.py's crossover instead: a[i-1] < b[i-1] and a[i] > b[i], so a cross through a tie never
// fires (1 2 3 against 2 does not cross).
//
// Genes: any number or choice may be `{int: [lo, hi], step}`, `{float: [lo, hi], step}` or `{choice: [...]}`;
// any rule (and stop_loss/take_profit/trailing_stop/time_stop) may carry `optional: true`, a bool gene. A
// group left empty by optional rules that are off is absent (an entry side with no rule never opens).
// A choice of indicator takes shared params (valid for every choice, checked at load) or params keyed by
// choice name (`params: {ema: {period: 20}, wma: {period: 30}}`; a choice without an entry uses defaults);
// an output used as `name.output` must exist, at the same position, in every choice. Genes are listed in
// document order (genesOf); resolvePlay clamps values to the bounds and snaps them to the step.

// Public API (pure: no I/O; reading a play file is src/forge/plays.ts).
export type {
  Play,
  PlaySpace,
  GeneDef,
  GeneKind,
  Expr,
  Operand,
  FeatureRequest,
  PlayExit,
  PlaySizing,
  PlayStop,
} from './types.js';
export { parsePlay, genesOf, resolvePlay, genomeFromValues } from './space.js';
export { effectiveKeyOf } from './effective-key.js';
export {
  defaultGenome,
  describeGenome,
  geneCells,
  isOrdered,
  normalizeGene,
  randomGene,
  randomGenome,
} from './genes.js';
export { featureKey, MapFeatureCache, type FeatureCache } from './features.js';
export {
  compileSignals,
  playFeatures,
  featureValues,
  computeFeature,
  execFeed,
  atrRequest,
  type CompiledPlay,
  type FeatureUse,
} from './signals.js';
export { runPlay, simConfigOf, playWarmup, type PlayRun, type RunOptions } from './run.js';
export { describePlay, describeExpr } from './describe.js';
