// Feature lookup (indicators and structures share one namespace in plays) and the feature cache.

import type { FeatureDef, Params } from '../types.js';
import { INDICATORS } from '../indicators/index.js';
// STRUCTURES: the structures helper's registry (src/engine/structures/index.ts).
import { STRUCTURES } from '../structures/index.js';

export function registryOf(kind: 'indicator' | 'structure'): Readonly<Record<string, FeatureDef>> {
  return kind === 'indicator' ? INDICATORS : STRUCTURES;
}

/** Every name a play may use with `indicator:`, `structure:` or inline `name(...)`. */
export function allFeatureDefs(): Readonly<Record<string, FeatureDef>> {
  return { ...STRUCTURES, ...INDICATORS };
}

/**
 * The cache key of one computed feature: `tf|name|p1=v1,p2=v2|source` with parameters sorted by
 * name. `tf` is the execution timeframe for native features and `htf@exec` (e.g. `4h@1h`) for a
 * higher-timeframe feature, whose cached arrays are already aligned to the execution bars.
 */
export function featureKey(tf: string, name: string, params: Params, source?: string): string {
  const ps = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join(',');
  return `${tf}|${name}|${ps}|${source ?? ''}`;
}

/**
 * Computed feature arrays by key. A cache belongs to one set of feeds (one dataset window): use a
 * separate cache, or a key prefix, per window. Cached arrays are shared: never write to them.
 */
export interface FeatureCache {
  get(key: string): Float64Array[] | undefined;
  set(key: string, value: Float64Array[]): void;
}

/** A plain Map-backed FeatureCache that counts hits and misses. */
export class MapFeatureCache implements FeatureCache {
  private readonly map = new Map<string, Float64Array[]>();
  hits = 0;
  misses = 0;
  get(key: string): Float64Array[] | undefined {
    const v = this.map.get(key);
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }
  set(key: string, value: Float64Array[]): void {
    this.map.set(key, value);
  }
  get size(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
