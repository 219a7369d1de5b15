import type { FeatureDef } from '../types.js';
import { EMA } from './ema.js';
import { SMA } from './sma.js';
import { WMA } from './wma.js';
import { DEMA } from './dema.js';
import { TEMA } from './tema.js';
import { HMA } from './hma.js';
import { RSI } from './rsi.js';
import { MACD } from './macd.js';
import { BBANDS } from './bbands.js';
import { ATR } from './atr.js';
import { SUPERTREND } from './supertrend.js';
import { STOCH } from './stoch.js';
import { ADX } from './adx.js';
import { DONCHIAN } from './donchian.js';
import { KELTNER } from './keltner.js';
import { CCI } from './cci.js';
import { ROC } from './roc.js';
import { OBV } from './obv.js';
import { VWAP } from './vwap.js';
import { WILLR } from './willr.js';
import { MFI } from './mfi.js';
import { primeKernels } from './prime.js';

/** Every indicator a play may name, by its lower-case name. */
export const INDICATORS: Readonly<Record<string, FeatureDef>> = Object.freeze({
  sma: SMA,
  ema: EMA,
  wma: WMA,
  dema: DEMA,
  tema: TEMA,
  hma: HMA,
  rsi: RSI,
  macd: MACD,
  bbands: BBANDS,
  atr: ATR,
  supertrend: SUPERTREND,
  stoch: STOCH,
  adx: ADX,
  donchian: DONCHIAN,
  keltner: KELTNER,
  cci: CCI,
  roc: ROC,
  obv: OBV,
  vwap: VWAP,
  willr: WILLR,
  mfi: MFI,
});

// Complete type feedback before the first long call (see prime.ts: without it V8 can leave kernels
// boxing doubles per bar).
primeKernels(Object.values(INDICATORS));
