import { primeKernels } from '../indicators/prime.js';
import type { FeatureDef } from '../types.js';
import { MARKET_STRUCTURE } from './market-structure.js';
import { SWING } from './swing.js';
import { VOL_REGIME } from './vol-regime.js';
import { ZONES } from './zones.js';

/** Every structure a play may name, by its lower-case name. Mixed by the GA like indicators. */
export const STRUCTURES: Readonly<Record<string, FeatureDef>> = Object.freeze({
  swing: SWING,
  zones: ZONES,
  market_structure: MARKET_STRUCTURE,
  vol_regime: VOL_REGIME,
});

// Complete type feedback before the first long call (see ../indicators/prime.ts).
primeKernels(Object.values(STRUCTURES));
