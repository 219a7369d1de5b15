import type { FeatureDef } from '../types.js';
import { EMA } from './ema.js';
import { SMA } from './sma.js';

/** Every indicator a play may name, by its lower-case name. */
export const INDICATORS: Readonly<Record<string, FeatureDef>> = Object.freeze({
  sma: SMA,
  ema: EMA,
});
