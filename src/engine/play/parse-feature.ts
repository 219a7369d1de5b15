// features: name -> {indicator|structure: NAME, params: {...}, tf: 4h, source: hl2}.
//
// With a choice of indicator (`indicator: {choice: [ema, sma, wma]}`) the params are either shared
// (`params: {period: {int: [5, 50]}}`, which must be valid for every choice) or keyed by choice
// (`params: {ema: {period: 20}, wma: {period: 30}}`; a choice without an entry uses its defaults).
// A map of maps is read as keyed by choice.

import { ForgeError, suggestion } from '../errors.js';
import { PRICE_SOURCES } from '../indicators/source.js';
import { COMMON_TIMEFRAMES, timeframeMs } from '../timeframe.js';
import type { FeatureDef, PriceSource } from '../types.js';
import {
  checkKeys,
  expectMap,
  isMap,
  num,
  oneOf,
  playError,
  rejectOptional,
  slot,
  type ParseContext,
} from './context.js';
import { featureKey, registryOf } from './features.js';
import type { Path } from './path.js';
import type { FeatureRequest } from './types.js';

const FEATURE_KEYS = ['indicator', 'structure', 'params', 'tf', 'source'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every FeatureRequest the feature can resolve to (one per indicator choice; one in concrete mode). */
export function parseFeature(ctx: ParseContext, name: string, node: unknown, path: Path): FeatureRequest[] {
  if (!NAME.test(name))
    throw playError(
      ctx,
      path,
      `'${name}' is not a feature name`,
      'use letters, digits and _ (not starting with a digit)',
    );
  if ((PRICE_SOURCES as readonly string[]).includes(name))
    throw playError(ctx, path, `'${name}' is a price and cannot name a feature`, 'pick another name');
  const spec = expectMap(ctx, node, path, `feature '${name}'`, '{indicator: ema, params: {period: 20}}');
  rejectOptional(ctx, spec, path);
  checkKeys(ctx, spec, path, FEATURE_KEYS, 'a feature');
  const kinds = (['indicator', 'structure'] as const).filter((k) => k in spec);
  if (kinds.length !== 1) {
    throw playError(
      ctx,
      path,
      kinds.length === 0
        ? 'a feature needs indicator: or structure:'
        : 'a feature is an indicator or a structure, not both',
      'write {indicator: ema, params: {period: 20}} or {structure: swing}',
    );
  }
  const kind = kinds[0];
  const defs = slot(ctx, spec[kind], [...path, kind], (v, p) => lookupDef(ctx, kind, v, p));
  const params = spec.params ?? {};
  if (!isMap(params)) throw playError(ctx, [...path, 'params'], 'params must be a map', 'write params: {period: 20}');
  const values = Object.values(params);
  const keyed = values.length > 0 && values.every(isMap);
  if (keyed && ctx.mode === 'space') {
    const names = defs.map((d) => d.name);
    for (const k of Object.keys(params)) {
      if (!names.includes(k))
        throw playError(
          ctx,
          [...path, 'params', k],
          `params keyed by choice name '${k}', which is not one of the choices${suggestion(k, names)}`,
          `key params by: ${names.join(', ')}`,
        );
    }
  }
  return defs.map((def) => {
    const own = keyed ? ((params as Record<string, Record<string, unknown>>)[def.name] ?? {}) : params;
    const ownPath = keyed ? [...path, 'params', def.name] : [...path, 'params'];
    return makeRequest(ctx, def, own as Record<string, unknown>, spec.source, spec.tf, ownPath, path);
  });
}

function lookupDef(ctx: ParseContext, kind: 'indicator' | 'structure', v: unknown, path: Path): FeatureDef {
  if (typeof v !== 'string')
    throw playError(
      ctx,
      path,
      `${kind} must be a name, got ${JSON.stringify(v)}`,
      `write ${kind}: ${kind === 'indicator' ? 'ema' : 'swing'}`,
    );
  const registry = registryOf(kind);
  const def = registry[v];
  if (def !== undefined) return def;
  const other = registryOf(kind === 'indicator' ? 'structure' : 'indicator');
  if (v in other)
    throw playError(
      ctx,
      path,
      `'${v}' is ${kind === 'indicator' ? 'a structure' : 'an indicator'}`,
      `write ${kind === 'indicator' ? 'structure' : 'indicator'}: ${v}`,
    );
  throw playError(
    ctx,
    path,
    `unknown ${kind} '${v}'${suggestion(v, Object.keys(registry))}`,
    `known ${kind}s: ${Object.keys(registry).sort().join(', ')}`,
  );
}

/**
 * One FeatureRequest: parameters checked against the def's ranges and completed with defaults, the
 * source and timeframe checked. `paramsPath` locates parameter errors; `path` the feature itself.
 */
export function makeRequest(
  ctx: ParseContext,
  def: FeatureDef,
  params: Record<string, unknown>,
  sourceNode: unknown,
  tfNode: unknown,
  paramsPath: Path,
  path: Path = paramsPath,
): FeatureRequest {
  const inline = paramsPath === path;
  const full: Record<string, number> = {};
  const names = def.params.map((p) => p.name);
  for (const key of Object.keys(params)) {
    if (!names.includes(key)) {
      throw playError(
        ctx,
        inline ? path : [...paramsPath, key],
        `${def.name} has no parameter '${key}'${suggestion(key, names)}`,
        names.length ? `parameters of ${def.name}: ${names.join(', ')}` : `${def.name} takes no parameters`,
      );
    }
  }
  for (const p of def.params) {
    full[p.name] =
      p.name in params
        ? num(ctx, params[p.name], inline ? path : [...paramsPath, p.name], `${def.name} ${p.name}`, {
            min: p.min,
            max: p.max,
            int: p.kind === 'int',
          })
        : p.default;
  }
  let source: PriceSource | undefined = def.defaultSource;
  if (sourceNode !== undefined) {
    const sPath = inline ? path : [...path, 'source'];
    if (def.defaultSource === undefined)
      throw playError(ctx, sPath, `${def.name} reads several price columns and takes no source`, 'remove source');
    source = oneOf(ctx, sourceNode, sPath, 'source', PRICE_SOURCES)[0];
  }
  let tf = ctx.execTf;
  if (tfNode !== undefined) tf = slot(ctx, tfNode, [...path, 'tf'], (v, p) => featureTf(ctx, v, p))[0];
  const keyTf = tf === ctx.execTf ? tf : `${tf}@${ctx.execTf}`;
  return { key: featureKey(keyTf, def.name, full, source), def, params: full, source, tf };
}

function featureTf(ctx: ParseContext, v: unknown, path: Path): string {
  if (typeof v !== 'string')
    throw playError(ctx, path, `tf must be a timeframe like 4h, got ${JSON.stringify(v)}`, 'write tf: 4h');
  let ms: number;
  try {
    ms = timeframeMs(v);
  } catch (e) {
    if (!(e instanceof ForgeError)) throw e;
    throw playError(ctx, path, `'${v}' is not a timeframe${suggestion(v, COMMON_TIMEFRAMES)}`, e.fix ?? 'write tf: 4h');
  }
  if (ms < ctx.execMs) {
    throw playError(
      ctx,
      path,
      `feature timeframe ${v} is lower than the execution timeframe ${ctx.execTf}`,
      `use ${ctx.execTf} or a higher timeframe (features may not look inside an execution bar)`,
    );
  }
  if (ms % ctx.execMs !== 0)
    throw playError(
      ctx,
      path,
      `feature timeframe ${v} is not a whole multiple of the execution timeframe ${ctx.execTf}`,
      'use a multiple, e.g. 4h or 1d over 1h',
    );
  return ms === ctx.execMs ? ctx.execTf : v;
}
