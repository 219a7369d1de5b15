// From a Play and its feeds to the simulator's Signals: compute each distinct feature once (through
// the FeatureCache), align higher-timeframe features onto the execution bars, evaluate the rules.

import { ForgeError } from '../errors.js';
import { alignOutputs, resampleFeed } from '../feeds.js';
import { INDICATORS } from '../indicators/index.js';
import { priceSource } from '../indicators/source.js';
import { timeframeMs } from '../timeframe.js';
import type { MaskSignals } from '../sim/bits.js';
import type { Signals } from '../sim/types.js';
import type { Feed } from '../types.js';
import type { Series } from './expr.js';
import { evalMasks, LeafCache, unpackMask, type MaskBuffers } from './mask-rules.js';
import { featureKey, MapFeatureCache, type FeatureCache } from './features.js';
import type { Expr, FeatureRequest, Operand, Play } from './types.js';

/** The ATR the simulator needs for ATR-based stops, as a feature request; undefined without ATR stops. */
export function atrRequest(play: Play): FeatureRequest | undefined {
  const { stopLoss, takeProfit, trailingStop } = play.exit;
  const stop = [stopLoss, takeProfit, trailingStop].find((s) => s?.kind === 'atr');
  if (stop === undefined || stop.kind !== 'atr') return undefined;
  const def = INDICATORS.atr;
  if (def === undefined)
    throw new ForgeError('ATR stops need the atr indicator, which is not available', 'use {pct: N} stops', 'E_PLAY');
  const params = { ...Object.fromEntries(def.params.map((p) => [p.name, p.default])), period: stop.period };
  const tf = play.market.tf;
  return { key: featureKey(tf, def.name, params, def.defaultSource), def, params, source: def.defaultSource, tf };
}

/** A feature a play computes, with the outputs it reads (ascending): a store may keep only those. */
export interface FeatureUse extends FeatureRequest {
  readonly outputs: readonly number[];
}

function use(
  out: Map<string, { req: FeatureRequest; outputs: Set<number> }>,
  req: FeatureRequest,
  output: number,
): void {
  let u = out.get(req.key);
  if (u === undefined) {
    u = { req, outputs: new Set() };
    out.set(req.key, u);
  }
  u.outputs.add(output);
}

function exprFeatures(e: Expr | undefined, out: Map<string, { req: FeatureRequest; outputs: Set<number> }>): void {
  if (e === undefined) return;
  switch (e.kind) {
    case 'all':
    case 'any':
      for (const item of e.items) exprFeatures(item, out);
      return;
    case 'not':
      return exprFeatures(e.item, out);
    case 'compare':
    case 'cross':
      for (const op of e.kind === 'compare' ? [e.left, e.right] : [e.a, e.b])
        if (op.kind === 'feature') use(out, op.feature, op.output);
  }
}

/**
 * The distinct features a play computes (used by its rules, plus the ATR for ATR stops), by cache key,
 * each with the outputs the play reads. Named features no rule refers to are not computed.
 */
export function playFeatures(play: Play): FeatureUse[] {
  const out = new Map<string, { req: FeatureRequest; outputs: Set<number> }>();
  for (const e of [play.entry.long, play.entry.short, play.exit.long, play.exit.short]) exprFeatures(e, out);
  const atr = atrRequest(play);
  if (atr) use(out, atr, 0);
  return [...out.values()].map(({ req, outputs }) => ({ ...req, outputs: [...outputs].sort((a, b) => a - b) }));
}

export function execFeed(play: Play, feeds: Readonly<Record<string, Feed>>): Feed {
  const feed = feeds[play.market.tf];
  if (feed === undefined) {
    throw new ForgeError(
      `the play runs on ${play.market.tf} (market.tf) but the data ` +
        `has ${Object.keys(feeds).join(', ') || 'no timeframes'}`,
      `use data with ${play.market.tf} bars, or change market.tf`,
      'E_PLAY_TF',
    );
  }
  return feed;
}

function higherFeed(tf: string, exec: Feed, feeds: Readonly<Record<string, Feed>>, cache: FeatureCache): Feed {
  const given = feeds[tf];
  if (given !== undefined) return given;
  const key = `feed|${tf}@${exec.tf}`;
  let cols = cache.get(key);
  if (cols === undefined) {
    const f = resampleFeed(exec, tf);
    cols = [f.time, f.open, f.high, f.low, f.close, f.volume];
    cache.set(key, cols);
  }
  const [time, open, high, low, close, volume] = cols;
  return { tf, tfMs: timeframeMs(tf), time, open, high, low, close, volume, length: time.length };
}

/** A feature's arrays on the execution bars, computed once per cache. Never written to. */
export function featureValues(
  req: FeatureRequest,
  exec: Feed,
  feeds: Readonly<Record<string, Feed>>,
  cache: FeatureCache,
): Float64Array[] {
  const hit = cache.get(req.key);
  if (hit !== undefined) return hit;
  const values = computeFeature(req, exec, feeds, cache);
  cache.set(req.key, values);
  return values;
}

/**
 * A feature's arrays on the execution bars, always computed (the cache is only used for resampled
 * higher-timeframe feeds): what featureValues stores on a miss, for callers that keep features
 * elsewhere (the evaluation module's shared feature store). With `out` (one array of exec.length per
 * output) every value is written there and `out` is returned: no fresh arrays, no copy.
 */
export function computeFeature(
  req: FeatureRequest,
  exec: Feed,
  feeds: Readonly<Record<string, Feed>>,
  cache: FeatureCache,
  out?: Float64Array[],
): Float64Array[] {
  if (req.tf === exec.tf) return req.def.compute(exec, req.params, req.source, out);
  const htf = higherFeed(req.tf, exec, feeds, cache);
  return alignOutputs(req.def.compute(htf, req.params, req.source), exec, htf, out);
}

export interface CompiledPlay {
  readonly feed: Feed;
  /** The rules' signals as bitsets, what simulate() reads. */
  readonly masks: MaskSignals;
  /** The same signals as 0/1 bytes, unpacked on first read (the simulator does not need them). */
  readonly signals: Signals;
  /** ATR on the execution bars when the play has ATR stops. */
  readonly atr?: Float64Array;
}

/** The execution feed and each operand's series on it (features through the cache). */
function operands(
  play: Play,
  feeds: Readonly<Record<string, Feed>>,
  cache: FeatureCache,
): { feed: Feed; values: (op: Operand) => Series } {
  const feed = execFeed(play, feeds);
  const prices = new Map<string, Float64Array>();
  const values = (op: Operand): Series => {
    if (op.kind === 'const') return op.value;
    if (op.kind === 'price') {
      let p = prices.get(op.source);
      if (p === undefined) {
        p = priceSource(feed, op.source);
        prices.set(op.source, p);
      }
      return p;
    }
    return featureValues(op.feature, feed, feeds, cache)[op.output];
  };
  return { feed, values };
}

const NO_BITS = new Uint32Array(0);

// Leaf bitsets are derived from features, so they live as long as the feature cache they come from
// (a GA worker's, a bench's warm cache) and are dropped with it. 16 MB is ~900 leaves of 140k bars.
const LEAVES = new WeakMap<FeatureCache, LeafCache>();
const LEAF_BYTES = 16 << 20;

export function leafCacheOf(cache: FeatureCache): LeafCache {
  let leaves = LEAVES.get(cache);
  if (leaves === undefined) {
    leaves = new LeafCache(LEAF_BYTES);
    LEAVES.set(cache, leaves);
  }
  return leaves;
}

/**
 * Signals for `play` on `feeds` (keyed by timeframe; the execution feed is feeds[play.market.tf]),
 * evaluated by the fixed rule kernels (mask-rules.ts). With `buffers` the bitsets are the owner's
 * reused buffers (valid until its next call).
 */
export function compileSignals(
  play: Play,
  feeds: Readonly<Record<string, Feed>>,
  cache: FeatureCache = new MapFeatureCache(),
  buffers?: MaskBuffers,
): CompiledPlay {
  const { feed, values } = operands(play, feeds, cache);
  const n = feed.length;
  const rules = [play.entry.long, play.entry.short, play.exit.long, play.exit.short];
  const [longEntry, shortEntry, longExit, shortExit] = evalMasks(rules, n, values, buffers, leafCacheOf(cache));
  const masks: MaskSignals = {
    // An absent entry rule never fires.
    longEntry: longEntry ?? zeros(n, buffers, 0),
    shortEntry: shortEntry ?? zeros(n, buffers, 1),
    longExit: longExit ?? null,
    shortExit: shortExit ?? null,
    offset: 0,
  };
  const atrReq = atrRequest(play);
  const atr = atrReq === undefined ? undefined : featureValues(atrReq, feed, feeds, cache)[0];
  let unpacked: Signals | undefined;
  return {
    feed,
    masks,
    get signals(): Signals {
      unpacked ??= {
        longEntry: unpackMask(masks.longEntry, n),
        shortEntry: unpackMask(masks.shortEntry, n),
        longExit: masks.longExit === null ? undefined : unpackMask(masks.longExit, n),
        shortExit: masks.shortExit === null ? undefined : unpackMask(masks.shortExit, n),
      };
      return unpacked;
    },
    atr,
  };
}

function zeros(n: number, buffers: MaskBuffers | undefined, slot: number): Uint32Array {
  const words = (n + 31) >>> 5;
  if (words === 0) return NO_BITS;
  return buffers === undefined ? new Uint32Array(words) : buffers.get(slot, words).fill(0, 0, words);
}
