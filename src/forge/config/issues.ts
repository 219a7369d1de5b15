import { ForgeError, suggestion } from '../../engine/errors.js';
import * as z from 'zod';
import type { LeafMeta } from './schema.js';

// Turns the first zod issue into what forge users get everywhere: "<file>: <key path>: <problem>"
// and a fix. An unknown key is reported before anything else, because a typo ("populaton") usually
// explains the other issues (a required key that looks missing).

export interface ConfigProblem {
  /** Path into the checked value, e.g. ['ga', 'population'] or ['datasets', 0, 'base']. */
  readonly at: readonly PropertyKey[];
  /** 'ga.population', 'stress.multipliers[1]'. */
  readonly key: string;
  readonly problem: string;
  readonly fix: string;
}

export interface CheckOptions {
  /** The file (or "--config FILE") the value came from; prefixes the message. */
  readonly where?: string;
  /** Values of the same shape (usually the defaults) quoted in fixes: "e.g. population: 150". */
  readonly examples?: unknown;
  readonly code?: string;
  /** The section the value sits in, prefixed to key paths: 'ga' gives 'ga.population'. */
  readonly under?: string;
}

/** Parses `value` with `schema`, or throws a ForgeError naming the key and the fix. */
export function checkLayer<T>(schema: z.ZodType<T>, value: unknown, o: CheckOptions = {}): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const p = firstProblem(schema, r.error.issues, o.examples);
  const key = [o.under, p.key].filter(Boolean).join('.');
  throw new ForgeError(
    `${o.where ? `${o.where}: ` : ''}${key ? `${key}: ` : ''}${p.problem}`,
    p.fix,
    o.code ?? 'E_CONFIG',
  );
}

export function keyPath(at: readonly PropertyKey[]): string {
  return at.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${String(k)}`)).join('');
}

export function firstProblem(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  examples?: unknown,
): ConfigProblem {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue.code === 'unrecognized_keys') {
    const at = [...issue.path, issue.keys[0]];
    const known = Object.keys(nodeAt(schema, issue.path).shape ?? {});
    return {
      at,
      key: keyPath(at),
      problem: `unknown setting${suggestion(issue.keys[0], known)}`,
      fix: `known settings here: ${known.join(', ')}`,
    };
  }
  const at = issue.path;
  const { meta } = nodeAt(schema, at);
  const leafName = String(at[at.length - 1] ?? '');
  const example = at.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], examples);
  const generic =
    example !== undefined && leafName
      ? `e.g. ${leafName}: ${JSON.stringify(example)}`
      : `use ${meta.want ?? 'a valid value'}`;
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'custom') {
    return {
      at,
      key: keyPath(at),
      problem: issue.message,
      fix: String((issue.params as { fix?: string } | undefined)?.fix ?? meta.fix ?? generic),
    };
  }
  if (input === undefined) {
    return { at, key: keyPath(at), problem: 'missing', fix: `add ${leafName}: (${meta.want ?? 'a value'})` };
  }
  const want = meta.want ?? wantOf(issue);
  const wantsNumber = issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int');
  if (typeof input === 'string' && wantsNumber && input.trim() !== '' && Number.isFinite(Number(input))) {
    return {
      at,
      key: keyPath(at),
      problem: `got the text ${JSON.stringify(input)}, expected ${want}`,
      fix: `write it as a number, without quotes: ${leafName}: ${input.trim()}`,
    };
  }
  return { at, key: keyPath(at), problem: `got ${show(input, issue)}, expected ${want}`, fix: meta.fix ?? generic };
}

function show(input: unknown, issue: z.core.$ZodIssue): string {
  const received = (issue as { received?: string }).received;
  if (received === 'Infinity') return 'Infinity (a number too large to hold)';
  if (received === 'NaN') return 'NaN (not a number)';
  if (typeof input === 'number') return String(input);
  if (input === null) return 'null';
  return JSON.stringify(input) ?? String(input);
}

function wantOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type')
    return issue.expected === 'object'
      ? 'a mapping of settings'
      : issue.expected === 'array'
        ? 'a list'
        : `a value of type ${issue.expected}`;
  return 'a valid value';
}

/** The schema node at `path`: its metadata (want, fix) collected through wrappers, and its keys if it is a mapping. */
export function nodeAt(
  schema: z.ZodType,
  path: readonly PropertyKey[],
): { meta: LeafMeta; shape?: Record<string, unknown> } {
  let node: z.core.$ZodType | undefined = schema;
  let meta: LeafMeta = {};
  let i = 0;
  while (node) {
    meta = { ...(z.globalRegistry.get(node as z.ZodType) as LeafMeta | undefined), ...meta };
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default')
      node = def.innerType as z.core.$ZodType;
    else if (def.type === 'pipe') node = def.in as z.core.$ZodType;
    else if (i >= path.length)
      return { meta, shape: def.type === 'object' ? (def.shape as Record<string, unknown>) : undefined };
    else if (def.type === 'object') {
      node = (def.shape as Record<string, z.core.$ZodType>)[String(path[i++])];
      meta = {};
    } else if (def.type === 'array') {
      node = def.element as z.core.$ZodType;
      i++;
      meta = {};
    } else return { meta };
  }
  return { meta };
}
