// A namespace import, and no re-export of it: esbuild keeps all 64 of zod's locales (0.6 MB of the
// CLI bundle, scripts/bundle-cli.mjs) when `z` is imported by name or passed on as a value.
import * as z from 'zod';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { parseRedisUrl } from '../distributed/redis-url.js';

// The building blocks every config schema is made of. Each leaf carries `want` (what a good value
// looks like, for "got X, expected Y") and optionally `fix`, so one formatter (issues.ts) can turn any
// zod issue into a ForgeError naming the key and the fix. Leaves are optional: a layer (the file, the
// flags) gives some keys; the defaults layer gives the rest (merge.ts).

export interface LeafMeta {
  /** "a number > 0", "an integer >= 2", ... */
  readonly want?: string;
  readonly fix?: string;
}

/** A ForgeError thrown by a parser (parseHoldout, timeframeMs, ...) becomes an issue at that key. */
const fromForgeError = (ctx: z.core.$RefinementCtx, err: unknown): void => {
  if (!(err instanceof ForgeError)) throw err;
  // Parsers prefix their own key ("holdout: 'abc' is ..."); the formatter adds the full path.
  ctx.addIssue({ code: 'custom', message: err.message.replace(/^[\w.-]+: /, ''), params: { fix: err.fix } });
};

/** A required value with its `want`. */
export const leafOf = <T extends z.ZodType>(schema: T, want: string, fix?: string) => schema.meta({ want, fix });
const leaf = <T extends z.ZodType>(schema: T, meta: LeafMeta) =>
  leafOf(schema, meta.want ?? 'a value', meta.fix).optional();

/** A finite number (zod refuses NaN and Infinity), with optional bounds. */
export function num(o: { min?: number; max?: number; gt?: number; lt?: number; want?: string; fix?: string } = {}) {
  let s = z.number();
  if (o.min !== undefined) s = s.min(o.min);
  if (o.gt !== undefined) s = s.gt(o.gt);
  if (o.max !== undefined) s = s.max(o.max);
  if (o.lt !== undefined) s = s.lt(o.lt);
  const lo = o.min !== undefined ? `[${o.min}` : o.gt !== undefined ? `(${o.gt}` : undefined;
  const hi = o.max !== undefined ? `${o.max}]` : o.lt !== undefined ? `${o.lt})` : undefined;
  const range =
    lo && hi
      ? ` in ${lo}, ${hi}`
      : lo
        ? ` ${lo[0] === '[' ? '>=' : '>'} ${lo.slice(1)}`
        : hi
          ? ` ${hi.endsWith(']') ? '<=' : '<'} ${hi.slice(0, -1)}`
          : '';
  return leaf(s, { want: o.want ?? `a number${range}`, fix: o.fix });
}

/** A whole number >= min (and <= max). */
export function int(min: number, o: { max?: number; want?: string; fix?: string } = {}) {
  let s = z.int().min(min);
  if (o.max !== undefined) s = s.max(o.max);
  return leaf(s, {
    want: o.want ?? (o.max !== undefined ? `an integer in [${min}, ${o.max}]` : `an integer >= ${min}`),
    fix: o.fix,
  });
}

/** A number, or null to switch the check off. */
export const numOrOff = () => leaf(z.number().nullable(), { want: 'a number or null (off)' });

/** A share in [0, 1]. */
export const share = (fix?: string) => num({ min: 0, max: 1, fix });

export const text = (want = 'text', fix?: string) => leaf(z.string(), { want, fix });

/** One of `values`; a near miss gets "did you mean". `says` words the problem ("'x' is not a window mode"). */
export function choice<const V extends readonly [string, ...string[]]>(
  values: V,
  o: { says?: (got: string) => string; fix?: string } = {},
) {
  const s = z.string().superRefine((v, ctx) => {
    if ((values as readonly string[]).includes(v)) return;
    const problem = o.says ? o.says(v) : `'${v}' is not one of ${values.join(' | ')}`;
    ctx.addIssue({
      code: 'custom',
      message: problem + suggestion(v, values),
      params: { fix: o.fix ?? `use one of ${values.join(', ')}` },
    });
  });
  return leaf(s as unknown as z.ZodType<V[number]>, { want: values.join(' | '), fix: o.fix });
}

/**
 * Text (or a number) checked by an existing parser ('20%',
 * '8h', '512MB', '1h'); the parser's message and fix are kept.
 */
export function parsed(want: string, parse: (v: string | number) => unknown): z.ZodOptional<z.ZodType<string | number>>;
export function parsed(
  want: string,
  parse: (v: string) => unknown,
  o: { textOnly: true },
): z.ZodOptional<z.ZodType<string>>;
export function parsed(want: string, parse: (v: never) => unknown, o: { textOnly?: boolean } = {}) {
  const base = o.textOnly ? z.string() : z.union([z.string(), z.number()]);
  const s = (base as z.ZodType<string | number>).superRefine((v, ctx) => {
    try {
      (parse as (v: string | number) => unknown)(v);
    } catch (err) {
      fromForgeError(ctx, err);
    }
  });
  return leaf(s, { want });
}

/** A name or a list of names ("regimes: X" is "regimes: [X]"). */
export const names = (want: string) => leaf(z.union([z.string(), z.array(z.string())]), { want });

/** A seed: any text or finite number (it is hashed as text). */
export const seed = () => leaf(z.union([z.string(), z.number()]), { want: 'text or a number, e.g. 42' });

/** Worker threads: an integer >= 1 or 'auto'. */
export const workers = () =>
  leaf(z.union([z.int().min(1), z.literal('auto')]), {
    want: "an integer >= 1 or 'auto'",
    fix: 'e.g. workers: 2, or auto for one per core',
  });

/** Where `forge worker` processes take their jobs (evolve, walk-forward, validate). */
export const redisUrl = () =>
  parsed('a Redis URL like redis://user:password@host:6379', (v) => parseRedisUrl(v, 'redis'), { textOnly: true });

/** A mapping of settings where every key is known (unknown keys are reported with "did you mean"). */
export const section = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape).optional();
