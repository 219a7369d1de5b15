import { ForgeError } from '../errors.js';
import type { Feed } from '../types.js';
import type { SimConfig, Signals, StopSpec } from './types.js';
import { isMaskSignals, type MaskSignals } from './bits.js';

function bad(field: string, message: string, fix: string): never {
  throw new ForgeError(`${field}: ${message}`, fix, 'E_SIM_CONFIG');
}

function checkStop(field: string, spec: StopSpec | undefined): boolean {
  if (spec === undefined) return false;
  const kind: string = spec.kind; // plays are data: guard the union at run time too
  if (kind !== 'pct' && kind !== 'atr') bad(`${field}.kind`, `'${kind}' is not a stop kind`, "use 'pct' or 'atr'");
  if (!(spec.value > 0) || !Number.isFinite(spec.value)) {
    bad(
      `${field}.value`,
      `${spec.value} is not a positive distance`,
      spec.kind === 'pct' ? 'give a fraction, e.g. 0.02 for 2 %' : 'give an ATR multiple, e.g. 2',
    );
  }
  if (spec.kind === 'pct' && field !== 'exits.takeProfit' && spec.value >= 1) {
    bad(`${field}.value`, `${spec.value} is 100 % or more of the price`, 'give a fraction below 1, e.g. 0.02 for 2 %');
  }
  return spec.kind === 'atr';
}

/** Checks made once per run, outside the bar loop: everything the loop assumes. */
export function validateSimInput(
  feed: Feed,
  signals: Signals | MaskSignals,
  config: SimConfig,
  atr: Float64Array | undefined,
): void {
  const n = feed.length;
  for (const key of ['longEntry', 'shortEntry', 'longExit', 'shortExit'] as const) {
    if (isMaskSignals(signals)) {
      const a = signals[key];
      const bars = signals.offset + n;
      if (a !== null && !(signals.offset >= 0 && a.length * 32 >= bars))
        bad(
          `signals.${key}`,
          `has bits for ${a.length * 32} bars, ${bars} needed`,
          'compute signals over the same feed',
        );
    } else {
      const a = signals[key];
      if (a !== undefined && a.length !== n)
        bad(`signals.${key}`, `has ${a.length} values for a feed of ${n} bars`, 'compute signals over the same feed');
    }
  }
  validateSimConfig(feed, config, atr);
}

function validateSimConfig(feed: Feed, config: SimConfig, atr: Float64Array | undefined): void {
  const n = feed.length;
  if (!(config.cash > 0) || !Number.isFinite(config.cash))
    bad('cash', `${config.cash} is not a positive amount`, 'give starting cash, e.g. --cash 10000');
  if (!(config.feeBps >= 0))
    bad('feeBps', `${config.feeBps} is not a fee`, 'give basis points >= 0, e.g. 10 for 0.1 %');
  if (!(config.slippageBps >= 0))
    bad('slippageBps', `${config.slippageBps} is not a slippage`, 'give basis points >= 0');
  const sz = config.sizing;
  if (sz.mode === 'fraction' && !(sz.fraction > 0 && sz.fraction <= 1)) {
    bad('sizing.fraction', `${sz.fraction} is not in (0, 1]`, 'give the fraction of equity per trade, e.g. 0.5');
  }
  if (sz.mode === 'risk' && !(sz.riskFraction > 0 && sz.riskFraction <= 1)) {
    bad(
      'sizing.riskFraction',
      `${sz.riskFraction} is not in (0, 1]`,
      'give the fraction of equity risked per trade, e.g. 0.01',
    );
  }
  if (sz.mode === 'risk' && config.exits.stopLoss === undefined) {
    bad('sizing', 'risk sizing needs a stop-loss to measure the risk', 'add exits.stopLoss or use fraction sizing');
  }
  const ex = config.exits;
  const needsAtr = [
    checkStop('exits.stopLoss', ex.stopLoss),
    checkStop('exits.takeProfit', ex.takeProfit),
    checkStop('exits.trailingStop', ex.trailingStop),
  ].some(Boolean);
  if (needsAtr && (atr === undefined || atr.length !== n)) {
    bad(
      'exits',
      'a stop is given in ATR multiples but no ATR series of the feed length was passed',
      'pass atr (e.g. atr(feed, 14)) to simulate',
    );
  }
  const ts = ex.timeStopBars;
  if (ts !== undefined && !(Number.isInteger(ts) && ts >= 1))
    bad('exits.timeStopBars', `${ts} is not a whole number of bars >= 1`, 'give e.g. 20');
}
