import { registryOf } from '../../engine/play/features.js';
import {
  computeFeature,
  playFeatures,
  type FeatureCache,
  type FeatureRequest,
  type FeatureUse,
  type Play,
  type PlaySpace,
} from '../../engine/play/index.js';
import type { Feed, Params, PriceSource } from '../../engine/types.js';
import type { SlabViews } from './feature-slab.js';
import { resolveKept } from './resolved-plays.js';

// The feature stage of an evaluation round: before a round's plays run, the coordinator lists the
// distinct features they read, the store says which it lacks, and the pool computes each of those
// exactly once, straight into shared slots. Evaluation tasks then read every feature from the slots.
//
// The store keeps feature outputs, not features: one slot per output some play of the round reads
// (key#output). A play reads one output of most multi-output features (macd's line or its signal,
// bollinger's upper or lower band), so this is ~44 % fewer columns than a slot per output computed;
// a feature task writes the outputs nobody reads into the worker's scratch columns.

/** A feature request as it crosses the thread boundary (a FeatureDef's functions cannot). */
export interface WireFeature {
  readonly key: string;
  readonly kind: 'indicator' | 'structure';
  readonly name: string;
  readonly params: Params;
  readonly source?: PriceSource;
  readonly tf: string;
  /** A slot per output of the feature, -1 for an output no play of the round reads. */
  readonly slots: readonly number[];
}

/** The store's key of one feature output. */
export const outputKey = (key: string, output: number): string => `${key}#${output}`;

export function toWire(req: FeatureRequest, slots: readonly number[]): WireFeature {
  return {
    key: req.key,
    kind: req.def.kind,
    name: req.def.name,
    params: req.params,
    source: req.source,
    tf: req.tf,
    slots,
  };
}

function planFeature(req: FeatureUse): WirePlanFeature {
  const { slots: _, ...plan } = toWire(req, []);
  return { ...plan, outputs: req.outputs };
}

export function fromWire(w: WireFeature | WirePlanFeature): FeatureRequest {
  const def = registryOf(w.kind)[w.name];
  if (def === undefined) throw new Error(`internal: unknown ${w.kind} '${w.name}' in a feature task`);
  return { key: w.key, def, params: w.params, source: w.source, tf: w.tf };
}

/**
 * Computes one feature straight into its slots (every element written, warm-up NaNs included); an
 * output without a slot goes to `scratch(output)`, a column of exec.length the caller reuses.
 */
export function computeInto(
  w: WireFeature,
  exec: Feed,
  feeds: Readonly<Record<string, Feed>>,
  feedCache: FeatureCache,
  views: SlabViews,
  scratch: (output: number) => Float64Array,
): void {
  const req = fromWire(w);
  if (req.def.outputs.length !== w.slots.length)
    throw new Error(`internal: ${w.name} has ${req.def.outputs.length} outputs, ${w.slots.length} slots were reserved`);
  const out = w.slots.map((slot, o) => (slot < 0 ? scratch(o) : views.columns([slot])[0]));
  if (out.some((o) => o.length !== exec.length))
    throw new Error(`internal: slots of ${out[0]?.length} values for ${exec.length} bars`);
  computeFeature(req, exec, feeds, feedCache, out);
}

/** A play's feature list as it crosses the thread boundary (the slots are not known yet). */
export type WirePlanFeature = Omit<WireFeature, 'slots'> & { readonly outputs: readonly number[] };

export function planToWire(features: (FeatureUse[] | null)[]): (WirePlanFeature[] | null)[] {
  return features.map((list) => list?.map((r) => planFeature(r)) ?? null);
}

export function planFromWire(features: readonly (readonly WirePlanFeature[] | null)[]): (FeatureUse[] | null)[] {
  return features.map((list) => list?.map((w) => ({ ...fromWire(w), outputs: w.outputs })) ?? null);
}

/** The distinct features of each item's play (null when the genome does not resolve: its evaluation reports why). */
export function itemFeatures(space: PlaySpace, genomes: readonly (readonly number[])[]): (FeatureUse[] | null)[] {
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
      return read(resolveKept(space, g));
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
  features: readonly (readonly FeatureUse[] | null)[],
  fits: (need: ReadonlyMap<string, number>) => boolean,
): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  // One map grown in place: copying it per item cost ~9 ms a generation on the coordinator.
  const need = new Map<string, number>();
  for (let i = 0; i < features.length; i++) {
    addNeed(need, features[i]);
    if (i > start && !fits(need)) {
      out.push([start, i]);
      start = i;
      need.clear();
      addNeed(need, features[i]);
    }
  }
  if (features.length > start) out.push([start, features.length]);
  return out;
}

function addNeed(need: Map<string, number>, list: readonly FeatureUse[] | null): void {
  for (const r of list ?? []) for (const o of r.outputs) need.set(outputKey(r.key, o), 1);
}

/**
 * Output key -> slots (1 each) over a run of items, how many play-feature uses that is, and the
 * feature and output behind each output key.
 */
export function needOf(features: readonly (readonly FeatureUse[] | null)[]): {
  need: Map<string, number>;
  uses: number;
  owners: Map<string, { readonly req: FeatureUse; readonly output: number }>;
} {
  const need = new Map<string, number>();
  const owners = new Map<string, { req: FeatureUse; output: number }>();
  let uses = 0;
  for (const list of features) {
    for (const r of list ?? []) {
      uses++;
      for (const o of r.outputs) {
        const k = outputKey(r.key, o);
        need.set(k, 1);
        owners.set(k, { req: r, output: o });
      }
    }
  }
  return { need, uses, owners };
}

/** The admitted outputs as feature tasks: one per feature, its other outputs marked -1. */
export function wiresOf(
  admitted: readonly { readonly key: string; readonly slots: readonly number[] }[],
  owners: ReadonlyMap<string, { readonly req: FeatureUse; readonly output: number }>,
): WireFeature[] {
  const byFeature = new Map<string, { req: FeatureUse; slots: number[] }>();
  for (const a of admitted) {
    const { req, output } = owners.get(a.key)!;
    let f = byFeature.get(req.key);
    if (f === undefined) {
      f = { req, slots: req.def.outputs.map(() => -1) };
      byFeature.set(req.key, f);
    }
    f.slots[output] = a.slots[0];
  }
  return [...byFeature.values()].map((f) => toWire(f.req, f.slots));
}

/**
 * A batch's feature table for one store: each feature with the slot of every output its plays read
 * (-1 for the others). A feature missing one of those outputs (its computation failed) is left out,
 * so the play computes it itself and records the error.
 */
export function tableOf(
  lists: readonly (readonly FeatureUse[] | null)[],
  slotOf: (outputKey: string) => number | undefined,
): [string, number[]][] {
  const wanted = new Map<string, { outputs: number; read: Set<number> }>();
  for (const list of lists)
    for (const r of list ?? []) {
      let w = wanted.get(r.key);
      if (w === undefined) {
        w = { outputs: r.def.outputs.length, read: new Set() };
        wanted.set(r.key, w);
      }
      for (const o of r.outputs) w.read.add(o);
    }
  const out: [string, number[]][] = [];
  for (const [key, w] of wanted) {
    const slots = Array.from({ length: w.outputs }, () => -1);
    let complete = true;
    for (const o of w.read) {
      const slot = slotOf(outputKey(key, o));
      if (slot === undefined) complete = false;
      else slots[o] = slot;
    }
    if (complete) out.push([key, slots]);
  }
  return out;
}

/**
 * Order of the feature tasks: structures first (the slowest kernels), then by key, so the longest
 * tasks start first and the pool's tail stays short; the order never changes a value.
 */
export function taskOrder(a: WireFeature, b: WireFeature): number {
  if (a.kind !== b.kind) return a.kind === 'structure' ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
