// The features and parameters the kernel benches time (kernels.mjs by wall clock, features-cpu.mjs by
// CPU time): one list, so the two benches always measure the same calls and their figures compare.
export const KERNEL_SPECS = [
  ['ema', { period: 20 }],
  ['sma', { period: 100 }],
  ['wma', { period: 30 }],
  ['dema', { period: 30 }],
  ['tema', { period: 30 }],
  ['hma', { period: 30 }],
  ['rsi', { period: 14 }],
  ['macd', { fast: 12, slow: 26, signal: 9 }],
  ['bbands', { period: 20, stddev: 2 }],
  ['atr', { period: 14 }],
  ['supertrend', { period: 10, multiplier: 3 }],
  ['stoch', { period: 14, smoothK: 3, dPeriod: 3 }],
  ['adx', { period: 14 }],
  ['donchian', { period: 20 }],
  ['keltner', { period: 20, atrPeriod: 10, multiplier: 2 }],
  ['cci', { period: 20 }],
  ['roc', { period: 12 }],
  ['obv', {}],
  ['vwap', { window: 96 }],
  ['willr', { period: 14 }],
  ['mfi', { period: 14 }],
  ['market_structure', { left: 5, right: 5 }],
  ['vol_regime', { window: 96, lookback: 960, low: 25, high: 75 }],
  ['vol_regime', { window: 20, lookback: 100, low: 25, high: 75 }],
  ['swing', { left: 3, right: 3 }],
  ['zones', { left: 5, right: 5, tolerance: 0.5, max_zones: 12, min_touches: 1 }],
];

/** The middle value (the upper one of an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
