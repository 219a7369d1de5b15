import { computeMetrics } from '../../engine/metrics/metrics.js';
import {
  compileSignals,
  defaultGenome,
  featureValues,
  MapFeatureCache,
  parsePlay,
  playFeatures,
  playWarmup,
  resolvePlay,
  runPlay,
  simConfigOf,
} from '../../engine/play/index.js';
import { execFeed } from '../../engine/play/signals.js';
import { simulate } from '../../engine/sim/simulate.js';
import type { Feed } from '../../engine/types.js';

// One core, one backtest at a time, in this thread: a play's default genome run with a fresh feature
// cache (cold: every indicator and structure computed) and with a warm one (features cached, as a GA
// worker sees a feature it computed for an earlier individual).

export interface SingleCoreResult {
  /** The first cold backtest of this play in this process (V8 compiling its code paths), reported apart. */
  readonly firstMs: number;
  /** Median ms of the `coldRuns` cold backtests after the first, each with a fresh feature cache. */
  readonly coldMs: number;
  /** Each of those cold runs, in order (to see the spread the median hides). */
  readonly coldRunsMs: readonly number[];
  /** Mean ms of `warmRuns` backtests on one warm cache. */
  readonly warmMs: number;
  readonly coldRuns: number;
  readonly warmRuns: number;
  /** Distinct features computed (rules + ATR stop), and the trades of the run (a sanity figure). */
  readonly features: number;
  readonly trades: number;
  /** Where one cold backtest's time goes (ms). */
  readonly breakdown: {
    readonly featuresMs: number;
    readonly rulesMs: number;
    readonly simulateMs: number;
    readonly metricsMs: number;
    readonly slowest: readonly { key: string; ms: number }[];
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function measureSingleCore(
  playText: string,
  feeds: Readonly<Record<string, Feed>>,
  o: { coldRuns: number; warmRuns: number },
): SingleCoreResult {
  const space = parsePlay(playText, 'bench');
  const play = resolvePlay(space, defaultGenome(space.genes));
  // Issue 9's definition of the cold figure: the first backtest after start-up is excluded and
  // reported apart (it pays for V8 compiling the play's code paths, once per process), and the figure
  // is the median of the next `coldRuns`, each computing every feature again in a fresh cache.
  const t = performance.now();
  runPlay(play, feeds, { cache: new MapFeatureCache() });
  const firstMs = performance.now() - t;
  const cold: number[] = [];
  let trades = 0;
  for (let r = 0; r < o.coldRuns; r++) {
    const t0 = performance.now();
    const run = runPlay(play, feeds, { cache: new MapFeatureCache() });
    cold.push(performance.now() - t0);
    trades = run.metrics.trades;
  }
  const warmCache = new MapFeatureCache();
  for (let r = 0; r < 3; r++) runPlay(play, feeds, { cache: warmCache });
  const t0 = performance.now();
  for (let r = 0; r < o.warmRuns; r++) runPlay(play, feeds, { cache: warmCache });
  const warmMs = (performance.now() - t0) / Math.max(1, o.warmRuns);

  // The breakdown: each feature on its own (fresh cache), then rules, simulator and metrics.
  const cache = new MapFeatureCache();
  const exec = execFeed(play, feeds);
  const per: { key: string; ms: number }[] = [];
  for (const req of playFeatures(play)) {
    const s = performance.now();
    featureValues(req, exec, feeds, cache);
    per.push({ key: req.key, ms: performance.now() - s });
  }
  const r0 = performance.now();
  const { feed, signals, atr } = compileSignals(play, feeds, cache);
  const r1 = performance.now();
  const config = simConfigOf(play);
  const result = simulate(feed, signals, config, atr);
  const r2 = performance.now();
  computeMetrics(feed, result, config, { firstBar: Math.min(playWarmup(play), Math.max(0, feed.length - 1)) });
  const r3 = performance.now();
  return {
    firstMs,
    coldMs: median(cold),
    coldRunsMs: cold,
    warmMs,
    coldRuns: o.coldRuns,
    warmRuns: o.warmRuns,
    features: per.length,
    trades,
    breakdown: {
      featuresMs: per.reduce((s, p) => s + p.ms, 0),
      rulesMs: r1 - r0,
      simulateMs: r2 - r1,
      metricsMs: r3 - r2,
      slowest: per.sort((a, b) => b.ms - a.ms).slice(0, 3),
    },
  };
}
