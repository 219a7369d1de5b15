// One backtest of one concrete play: signals, the simulator, the metrics.

import { computeMetrics, type Metrics } from '../metrics/metrics.js';
import { simulate } from '../sim/simulate.js';
import type { SimConfig, SimResult, Signals, StopSpec } from '../sim/types.js';
import { timeframeMs } from '../timeframe.js';
import type { Feed } from '../types.js';
import type { FeatureCache } from './features.js';
import { compileSignals, playFeatures } from './signals.js';
import type { Play, PlayStop } from './types.js';

export interface RunOptions {
  /** Shared feature cache (e.g. one per GA worker and dataset window); default: a fresh one per run. */
  readonly cache?: FeatureCache;
  /** Overrides the play's cash. */
  readonly cash?: number;
}

export interface PlayRun {
  readonly result: SimResult;
  readonly metrics: Metrics;
  readonly signals: Signals;
  readonly feed: Feed;
  readonly config: SimConfig;
}

function stop(s: PlayStop | undefined): StopSpec | undefined {
  if (s === undefined) return undefined;
  return s.kind === 'pct' ? { kind: 'pct', value: s.value / 100 } : { kind: 'atr', value: s.value };
}

/** The simulator's configuration for a play. Percent stops become fractions (2 -> 0.02). */
export function simConfigOf(play: Play, cash = play.cash): SimConfig {
  const { sizing, exit } = play;
  return {
    cash,
    feeBps: play.costs.feeBps,
    slippageBps: play.costs.slippageBps,
    sizing:
      sizing.mode === 'all-in'
        ? { mode: 'all-in', wholeUnits: sizing.wholeUnits }
        : sizing.mode === 'fraction'
          ? { mode: 'fraction', fraction: sizing.fraction!, wholeUnits: sizing.wholeUnits }
          : { mode: 'risk', riskFraction: sizing.risk!, wholeUnits: sizing.wholeUnits },
    exits: {
      onOpposite: exit.onOpposite,
      stopLoss: stop(exit.stopLoss),
      takeProfit: stop(exit.takeProfit),
      trailingStop: stop(exit.trailingStop),
      timeStopBars: exit.timeStopBars,
    },
    allowLong: play.entry.long !== undefined,
    allowShort: play.entry.short !== undefined,
    endOfDataFill: exit.endOfData ?? 'close',
  };
}

/**
 * The first execution bar at which every feature the play uses has a value (on gap-free data): where
 * buy-and-hold starts in the metrics, as backtesting.py does. A higher-timeframe feature of warm-up w
 * needs w + 1 closed higher bars.
 */
export function playWarmup(play: Play): number {
  let first = 0;
  const execMs = timeframeMs(play.market.tf);
  for (const req of playFeatures(play)) {
    const w = req.def.warmup(req.params);
    const ratio = req.tf === play.market.tf ? 1 : timeframeMs(req.tf) / execMs;
    first = Math.max(first, ratio === 1 ? w : (w + 1) * ratio - 1);
  }
  return first;
}

export function runPlay(play: Play, feeds: Readonly<Record<string, Feed>>, opts: RunOptions = {}): PlayRun {
  const compiled = compileSignals(play, feeds, opts.cache);
  const { feed, masks, atr } = compiled;
  const config = simConfigOf(play, opts.cash);
  const result = simulate(feed, masks, config, atr);
  const metrics = computeMetrics(feed, result, config, {
    firstBar: Math.min(playWarmup(play), Math.max(0, feed.length - 1)),
  });
  return {
    result,
    metrics,
    // 0/1 bytes only for callers that read them.
    get signals(): Signals {
      return compiled.signals;
    },
    feed,
    config,
  };
}
