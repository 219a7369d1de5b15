import { registryOf } from '../../engine/play/features.js';
import {
  computeFeature,
  playFeatures,
  resolvePlay,
  type FeatureCache,
  type FeatureRequest,
  type Play,
  type PlaySpace,
} from '../../engine/play/index.js';
import type { Feed, Params, PriceSource } from '../../engine/types.js';
import type { SlabViews } from './feature-slab.js';

// The feature stage of an evaluation round: before a round's plays run, the coordinator lists the
// distinct features they read, the store says which it lacks, and the pool computes each of those
// exactly once, straight into shared slots. Evaluation tasks then read every feature from the slots.

/** A feature request as it crosses the thread boundary (a FeatureDef's functions cannot). */
export interface WireFeature {
  readonly key: string;
  readonly kind: 'indicator' | 'structure';
  readonly name: string;
  readonly params: Params;
  readonly source?: PriceSource;
  readonly tf: string;
  readonly slots: readonly number[];
}

export function toWire(req: FeatureRequest, slots: readonly number[]): WireFeature {
  return { ...planFeature(req), slots };
}

function planFeature(req: FeatureRequest): WirePlanFeature {
  return { key: req.key, kind: req.def.kind, name: req.def.name, params: req.params, source: req.source, tf: req.tf };
}

export function fromWire(w: WireFeature | WirePlanFeature): FeatureRequest {
  const def = registryOf(w.kind)[w.name];
  if (def === undefined) throw new Error(`internal: unknown ${w.kind} '${w.name}' in a feature task`);
  return { key: w.key, def, params: w.params, source: w.source, tf: w.tf };
}

/** Computes one feature straight into its slots (every element written, warm-up NaNs included). */
export function computeInto(
  w: WireFeature,
  exec: Feed,
  feeds: Readonly<Record<string, Feed>>,
  feedCache: FeatureCache,
  views: SlabViews,
): void {
  const req = fromWire(w);
  if (req.def.outputs.length !== w.slots.length)
    throw new Error(`internal: ${w.name} has ${req.def.outputs.length} outputs, ${w.slots.length} slots were reserved`);
  const out = views.columns(w.slots);
  if (out.some((o) => o.length !== exec.length))
    throw new Error(`internal: slots of ${out[0]?.length} values for ${exec.length} bars`);
  computeFeature(req, exec, feeds, feedCache, out);
}

/** A play's feature list as it crosses the thread boundary (the slots are not known yet). */
export type WirePlanFeature = Omit<WireFeature, 'slots'>;

export function planToWire(features: (FeatureRequest[] | null)[]): (WirePlanFeature[] | null)[] {
  return features.map((list) => list?.map((r) => planFeature(r)) ?? null);
}

export function planFromWire(features: readonly (readonly WirePlanFeature[] | null)[]): (FeatureRequest[] | null)[] {
  return features.map((list) => list?.map((w) => fromWire(w)) ?? null);
}

/** The distinct features of each item's play (null when the genome does not resolve: its evaluation reports why). */
export function itemFeatures(space: PlaySpace, genomes: readonly (readonly number[])[]): (FeatureRequest[] | null)[] {
  return eachPlay(space, genomes, playFeatures);
}

/** `read` of each genome's play; null where the genome does not resolve or `read` throws. */
export function eachPlay<T>(
  space: PlaySpace,
  genomes: readonly (readonly number[])[],
  read: (play: Play) => T,
): (T | null)[] {
  return genomes.map((g) => {
    try {
      return read(resolvePlay(space, g));
    } catch {
      return null;
    }
  });
}

/**
 * Consecutive runs of items whose features fit the store together: one run per round, normally the
 * whole generation. Returns [start, end) pairs. A single item that does not fit on its own is
 * returned alone (the caller reports it).
 */
export function chunkItems(
  features: readonly (FeatureRequest[] | null)[],
  fits: (need: ReadonlyMap<string, number>) => boolean,
): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  // One map grown in place: copying it per item cost ~9 ms a generation on the coordinator.
  const need = new Map<string, number>();
  for (let i = 0; i < features.length; i++) {
    for (const r of features[i] ?? []) need.set(r.key, r.def.outputs.length);
    if (i > start && !fits(need)) {
      out.push([start, i]);
      start = i;
      need.clear();
      for (const r of features[i] ?? []) need.set(r.key, r.def.outputs.length);
    }
  }
  if (features.length > start) out.push([start, features.length]);
  return out;
}

/** Feature key -> output count over a run of items, and how many play-feature uses that is. */
export function needOf(features: readonly (FeatureRequest[] | null)[]): {
  need: Map<string, number>;
  uses: number;
  requests: Map<string, FeatureRequest>;
} {
  const need = new Map<string, number>();
  const requests = new Map<string, FeatureRequest>();
  let uses = 0;
  for (const list of features) {
    for (const r of list ?? []) {
      uses++;
      need.set(r.key, r.def.outputs.length);
      requests.set(r.key, r);
    }
  }
  return { need, uses, requests };
}

/**
 * Order of the feature tasks: structures first (the slowest kernels), then by key, so the longest
 * tasks start first and the pool's tail stays short; the order never changes a value.
 */
export function taskOrder(a: WireFeature, b: WireFeature): number {
  if (a.kind !== b.kind) return a.kind === 'structure' ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
