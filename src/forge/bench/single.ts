import { computeMetrics } from '../../engine/metrics/metrics.js';
import {
  compileSignals,
  defaultGenome,
  featureValues,
  MapFeatureCache,
  parsePlay,
  playFeatures,
  playWarmup,
  type Play,
  resolvePlay,
  runPlay,
  simConfigOf,
} from '../../engine/play/index.js';
import { execFeed } from '../../engine/play/signals.js';
import { simulate } from '../../engine/sim/simulate.js';
import type { Feed } from '../../engine/types.js';
import { createSlab, SlabViews, slotBytes } from '../eval/feature-slab.js';
import { computeInto, toWire } from '../eval/feature-stage.js';
import { SlabFeatureCache } from '../eval/slab-cache.js';

// One core, one backtest at a time, in this thread: a play's default genome run with a fresh feature
// cache (cold: every indicator and structure computed) and with a warm one (features cached, as a GA
// worker sees a feature it computed for an earlier individual).

export interface SingleCoreResult {
  /** The first cold backtest of this play in this process (V8 compiling its code paths), reported apart. */
  readonly firstMs: number;
  /**
   * Median ms of the `coldRuns` cold backtests after the first: every feature computed again, straight
   * into feature memory that is reused run after run (as the pool's feature stage writes into the
   * shared store's slots, reused after evictions), then rules, simulator and metrics with fresh caches.
   */
  readonly coldMs: number;
  /** The same cold backtests with every feature in newly allocated arrays (a fresh MapFeatureCache). */
  readonly coldNewMemoryMs: number;
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
  const coldRun = slabColdRun(play, feeds);
  const t = performance.now();
  const reference = runPlay(play, feeds, { cache: new MapFeatureCache() });
  const firstMs = performance.now() - t;
  const first = coldRun();
  // The two paths compute the same features with the same kernels; a difference is a bug, not noise.
  if (JSON.stringify(first.metrics) !== JSON.stringify(reference.metrics))
    throw new Error('internal: the backtest with features in feature memory differs from the one with fresh arrays');
  const cold: number[] = [];
  const coldNew: number[] = [];
  for (let r = 0; r < o.coldRuns; r++) {
    let t0 = performance.now();
    coldRun();
    cold.push(performance.now() - t0);
    t0 = performance.now();
    runPlay(play, feeds, { cache: new MapFeatureCache() });
    coldNew.push(performance.now() - t0);
  }
  const trades = reference.metrics.trades;
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
    coldNewMemoryMs: median(coldNew),
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

/**
 * A cold backtest the way the pool runs one: each feature output the play reads computed into its own
 * slot of a slab allocated once (outputs nobody reads into reused scratch columns), then the play run
 * on views of those slots with fresh caches, so rules are evaluated again too.
 */
function slabColdRun(play: Play, feeds: Readonly<Record<string, Feed>>): () => ReturnType<typeof runPlay> {
  const uses = playFeatures(play);
  const exec = execFeed(play, feeds);
  let next = 0;
  const table = uses.map((u) => [u.key, u.def.outputs.map((_, o) => (u.outputs.includes(o) ? next++ : -1))] as const);
  const slab = createSlab(play.market.tf, exec.length, next * slotBytes({ slotLength: exec.length }));
  const views = new SlabViews(slab);
  const scratch: Float64Array[] = [];
  const column = (o: number) => (scratch[o] ??= new Float64Array(exec.length));
  return () => {
    const feedCache = new MapFeatureCache();
    uses.forEach((u, i) => {
      computeInto(toWire(u, table[i][1]), exec, feeds, feedCache, views, column);
    });
    const cache = new SlabFeatureCache(views, 0);
    cache.bind(table);
    return runPlay(play, feeds, { cache });
  };
}
