// The one merge every config uses: defaults, then the file, then the flags. A key a layer leaves
// undefined (a flag not given) does not hide the layer below; mappings merge key by key; lists and
// values replace.

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

export function mergeLayers<T>(defaults: T, ...layers: readonly unknown[]): T {
  let out: unknown = defaults;
  for (const layer of layers) out = mergeTwo(out, layer);
  return out as T;
}

function mergeTwo(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlain(base) || !isPlain(over)) return over;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeTwo(base[k], v);
  return out;
}

/** A copy without undefined values (a layer of flags where most were not given). */
export function defined<T>(layer: T): T {
  if (!isPlain(layer)) return layer;
  return Object.fromEntries(
    Object.entries(layer)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, defined(v)]),
  ) as T;
}

export const snake = (k: string) => k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
export const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * Renames the keys of a mapping tree, e.g. code names (minTrades, criteria) to YAML names (min_trades,
 * verdict). `renames` maps whole keys first; every other key goes through `each`.
 */
export function renameKeys(
  value: unknown,
  each: (k: string) => string,
  renames: Readonly<Record<string, string>> = {},
): unknown {
  if (!isPlain(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [renames[k] ?? each(k), renameKeys(v, each, renames)]),
  );
}
