// The play language's resolved shapes. A PlaySpace (a play file, possibly with genes) resolves,
// given one value per gene, to a Play: plain data with every number and choice fixed.

import type { FeatureDef, Params, PriceSource } from '../types.js';

/** A column of one feature: the feature's request plus which output. */
export interface FeatureRef {
  readonly kind: 'feature';
  readonly feature: FeatureRequest;
  /** Index into `feature.def.outputs`. */
  readonly output: number;
  /** How the play spelled it, for messages: 'fast', 'macd.signal', 'ema(20)'. */
  readonly label: string;
}

export type Operand =
  | FeatureRef
  | { readonly kind: 'price'; readonly source: PriceSource }
  | { readonly kind: 'const'; readonly value: number };

export type CompareOp = '>' | '<' | '>=' | '<=' | '==' | '!=';

export type Expr =
  | { readonly kind: 'all'; readonly items: readonly Expr[] }
  | { readonly kind: 'any'; readonly items: readonly Expr[] }
  | { readonly kind: 'not'; readonly item: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand }
  // strict: see Crossover; absent (not false) otherwise, so plays without it keep their shape
  | {
      readonly kind: 'cross';
      readonly dir: 'above' | 'below';
      readonly a: Operand;
      readonly b: Operand;
      readonly strict?: true;
    };

/**
 * How cross_above(a, b) treats ties. 'through-ties' (the default): a > b now, and a < b on the last bar
 * before where they differ, so a run of ties between is part of the crossing and a touch that returns
 * to the side it came from is not. 'strict': backtesting.py's crossover, a[i-1] < b[i-1] and a[i] > b[i]
 * (a cross through a tie never fires). Set on each cross rule as `strict: true`.
 */
export type Crossover = 'through-ties' | 'strict';

/** One computed feature: a FeatureDef with every parameter filled, on one timeframe. */
export interface FeatureRequest {
  /** Cache key, see featureKey(). Two requests with the same key compute the same arrays. */
  readonly key: string;
  readonly def: FeatureDef;
  /** Complete parameters (defaults filled in). */
  readonly params: Params;
  /** Effective source for single-input features; undefined for features that read several columns. */
  readonly source?: PriceSource;
  /** Timeframe the feature is computed on; equal to the play's execution timeframe unless higher. */
  readonly tf: string;
}

export type PlayStop =
  | { readonly kind: 'pct'; readonly value: number } // percent as written in the play: 2 = 2 %
  | { readonly kind: 'atr'; readonly value: number; readonly period: number };

export interface PlayExit {
  readonly onOpposite: boolean;
  readonly stopLoss?: PlayStop;
  readonly takeProfit?: PlayStop;
  readonly trailingStop?: PlayStop;
  readonly timeStopBars?: number;
  /** Price closing a position still open at the end: the last bar's close (default) or open (backtesting.py). */
  readonly endOfData?: 'close' | 'open';
  readonly long?: Expr;
  readonly short?: Expr;
}

export interface PlaySizing {
  readonly mode: 'all-in' | 'fraction' | 'risk';
  /** Fraction of equity per trade, (0, 1]; mode 'fraction'. */
  readonly fraction?: number;
  /** Fraction of equity lost at the stop, (0, 1]; mode 'risk'. */
  readonly risk?: number;
  readonly wholeUnits: boolean;
}

/** A concrete play: no genes left. */
export interface Play {
  readonly name?: string;
  readonly description?: string;
  readonly market: { readonly symbol?: string; readonly tf: string };
  /** Named features, in file order (inline indicators from expressions are not listed here). */
  readonly features: Readonly<Record<string, FeatureRequest>>;
  readonly entry: { readonly long?: Expr; readonly short?: Expr };
  readonly exit: PlayExit;
  readonly sizing: PlaySizing;
  readonly costs: { readonly feeBps: number; readonly slippageBps: number };
  readonly cash: number;
}

export type GeneKind = 'int' | 'float' | 'choice' | 'bool';

/**
 * One gene of a play file, in document order. A genome is a number[] with one value per gene:
 * int/float the value itself, choice the index into `choices`, bool 0 (absent) or 1 (present).
 */
export interface GeneDef {
  /** Where the gene sits in the file: 'features.fast.params.period', 'entry.long[1].optional'. */
  readonly path: string;
  readonly kind: GeneKind;
  /** Inclusive bounds of the genome value (choice: 0 .. choices.length-1; bool: 0 .. 1). */
  readonly min: number;
  readonly max: number;
  /** Grid spacing from `min` (int: 1; float: the `step` given, or 0 for continuous). */
  readonly step: number;
  readonly choices?: readonly (string | number | boolean)[];
}

/** A parsed and validated play file: the raw tree with genes marked, and the genes in order. */
export interface PlaySpace {
  readonly fileName: string;
  readonly genes: readonly GeneDef[];
  /** The document tree; gene nodes are replaced by GeneSlot markers. Treat as opaque. */
  readonly tree: unknown;
}
