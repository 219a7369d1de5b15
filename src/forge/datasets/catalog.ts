import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import { firstProblem, type ConfigProblem } from '../config/issues.js';
import * as z from 'zod';
import { choice, leafOf, parsed, text } from '../config/schema.js';
import type { ForgeHome } from '../home.js';

// The dataset catalog: named windows of one symbol's candles that stand for a market regime.
// The shipped catalog lives in the package; a user catalog in <home>/datasets/catalog.yaml adds
// entries or replaces shipped ones by name.

export const REGIMES = ['bull', 'bear', 'range', 'volatile', 'cycle'] as const;
export type Regime = (typeof REGIMES)[number];
/** Where a dataset's candles can be fetched from when the store lacks them (auto-sync). */
export const CANDLE_SOURCES = ['binance-spot', 'binance-futures-um'] as const;
export type CandleSource = (typeof CANDLE_SOURCES)[number];

export interface DatasetDef {
  readonly name: string;
  readonly symbol: string;
  readonly baseTf: string;
  /** Higher timeframes resampled from the base, in catalog order, without the base. */
  readonly derivedTfs: readonly string[];
  /** Window [from, to) in epoch ms UTC. */
  readonly from: number;
  readonly to: number;
  readonly regime: Regime;
  readonly description: string;
  /** The archive auto-sync fetches missing candles from; absent: only what is imported. */
  readonly source?: CandleSource;
  /** The catalog file (and line) that defined it, for messages. */
  readonly definedAt: string;
}

/** src/forge/datasets and dist/forge/datasets are both three levels below the package root. */
export const SHIPPED_CATALOG = fileURLToPath(new URL('../../../datasets/catalog.yaml', import.meta.url));

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const matching = (re: RegExp, says: (v: string) => string, fix: string) =>
  parsed(
    'text',
    (v) => {
      if (!re.test(v)) throw new ForgeError(says(v), fix);
    },
    { textOnly: true },
  );
const date = (fix: string) =>
  leafOf(z.union([z.string(), z.date()]), 'an ISO date in UTC').superRefine((v, ctx) => {
    if (!Number.isFinite(parseDate(v)))
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(v instanceof Date ? v.toISOString() : v)} is not a date`,
        params: { fix },
      });
  });

/** One catalog entry as YAML spells it; cross-field rules (derived vs base, the window) follow in parseEntry. */
const ENTRY = z.strictObject({
  name: matching(
    NAME_RE,
    (v) => `'${v}' cannot be a folder name`,
    'use letters, digits, _ . and -, e.g. BTCUSDT_BEAR_2022',
  ).unwrap(),
  symbol: matching(NAME_RE, (v) => `'${v}' is not a symbol`, 'use the symbol as stored, e.g. BTCUSDT').unwrap(),
  base: parsed('a timeframe like 1h', (v) => timeframeMs(v, 'base'), { textOnly: true }).unwrap(),
  derived: z
    .array(parsed('a timeframe like 4h', (v) => timeframeMs(v, 'derived'), { textOnly: true }).unwrap())
    .meta({ want: 'a list like [4h, 1d]' })
    .nullable()
    .optional(),
  from: date('write an ISO date in UTC, e.g. 2022-01-01 or 2022-01-01T00:00:00Z'),
  to: date('write an ISO date in UTC, e.g. 2023-01-01 (exclusive)'),
  regime: choice(REGIMES, { says: (v) => `'${v}' is not a regime` }).unwrap(),
  description: text('text: what the window stands for').nullable(),
  source: choice(CANDLE_SOURCES, { says: (v) => `'${v}' is not a candle source` }),
});
const CATALOG = z.strictObject({ datasets: z.array(ENTRY).meta({ want: 'a list of entries' }).nullable().optional() });

/** Parses one catalog file's text. `file` is only used in messages. */
export function parseCatalog(text: string, file: string): DatasetDef[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (at: readonly PropertyKey[]): string => {
    // The deepest node that exists: a missing field is reported at its entry's line.
    for (let n = at.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(at.slice(0, n) as unknown[], true)) as
        | YamlNode
        | null
        | undefined;
      if (node?.range) return `${file}:${lines.linePos(node.range[0]).line}`;
    }
    return file;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ForgeError(
      `${file}:${e.linePos?.[0].line ?? '?'}: not valid YAML: ${e.message.split('\n')[0]}`,
      'fix the YAML syntax (indentation, colons, quotes)',
      'E_CATALOG',
    );
  }
  if (doc.contents === null) return [];
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const shapeFix = 'start the file with `datasets:` followed by a list of entries';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ForgeError(`${lineOf([])}: a catalog is a mapping with one key, 'datasets'`, shapeFix, 'E_CATALOG');
  const r = CATALOG.safeParse(raw, { reportInput: true });
  if (!r.success) throw catalogError(firstProblem(CATALOG, r.error.issues), raw as { datasets?: unknown }, lineOf);
  if (!('datasets' in raw))
    throw new ForgeError(`${lineOf([])}: a catalog is a mapping with one key, 'datasets'`, shapeFix, 'E_CATALOG');
  const out: DatasetDef[] = [];
  const seen = new Set<string>();
  (r.data.datasets ?? []).forEach((entry, index) => {
    const def = parseEntry(entry, index, lineOf);
    if (seen.has(def.name)) {
      throw new ForgeError(
        `${def.definedAt}: entry '${def.name}' is defined twice in this file`,
        'rename or remove one of them',
        'E_CATALOG',
      );
    }
    seen.add(def.name);
    out.push(def);
  });
  return out;
}

/** "cat.yaml:4: entry 'TINY', field 'base': '1hr' is not a timeframe" from the first schema problem. */
function catalogError(
  p: ConfigProblem,
  raw: { datasets?: unknown },
  lineOf: (at: readonly PropertyKey[]) => string,
): ForgeError {
  const [top, index, field] = p.at;
  if (p.at.length === 1 && top !== 'datasets')
    return new ForgeError(
      `${lineOf(p.at)}: unknown top-level key '${String(top)}'${p.problem.replace('unknown setting', '')}`,
      'a catalog has only `datasets:`',
      'E_CATALOG',
    );
  if (p.at.length === 1)
    return new ForgeError(
      `${lineOf(p.at)}: 'datasets' must be a list of entries`,
      'write each entry as `- name: ...` under `datasets:`',
      'E_CATALOG',
    );
  const entry = (raw.datasets as unknown[])[index as number] as Record<string, unknown> | null;
  if (p.at.length === 2) {
    return new ForgeError(
      `${lineOf(p.at)}: catalog entry #${(index as number) + 1} is not a mapping`,
      'write it as `- name: X` followed by symbol, base, from, to, regime on their own lines',
      'E_CATALOG',
    );
  }
  const name = entry?.name;
  const label = typeof name === 'string' && name !== '' ? `entry '${name}'` : `entry #${(index as number) + 1}`;
  const fix =
    p.problem === 'missing'
      ? `add \`${String(field)}:\` to the entry (name, symbol, base, from, to, regime are required)`
      : p.fix;
  return new ForgeError(`${lineOf(p.at)}: ${label}, field '${String(field)}': ${p.problem}`, fix, 'E_CATALOG');
}

type Entry = z.infer<typeof ENTRY>;

function parseEntry(e: Entry, index: number, lineOf: (at: readonly PropertyKey[]) => string): DatasetDef {
  const at = (...rest: PropertyKey[]) => lineOf(['datasets', index, ...rest]);
  const fail = (field: string, problem: string, fix: string, where = at(field)): never => {
    throw new ForgeError(`${where}: entry '${e.name}', field '${field}': ${problem}`, fix, 'E_CATALOG');
  };
  const baseMs = timeframeMs(e.base, 'base');
  const derivedTfs = e.derived ?? [];
  derivedTfs.forEach((v, i) => {
    const ms = timeframeMs(v, 'derived');
    if (ms <= baseMs || ms % baseMs !== 0) {
      fail(
        'derived',
        `'${v}' is not a whole multiple of the base timeframe ${e.base}`,
        `use timeframes above ${e.base} that it divides, e.g. ${baseMs < 3_600_000 ? '1h, 4h' : '4h, 1d'}`,
        at('derived', i),
      );
    }
  });
  const dup = derivedTfs.find((v, i) => derivedTfs.indexOf(v) !== i);
  if (dup !== undefined) fail('derived', `'${dup}' is listed twice`, 'list each timeframe once');
  const from = parseDate(e.from);
  const to = parseDate(e.to);
  if (from >= to)
    fail(
      'to',
      `the window is empty: to (${iso(to)}) is not after from (${iso(from)})`,
      '`to` is exclusive and must be later than `from`',
    );
  if (from % baseMs !== 0 || to % baseMs !== 0)
    fail(
      'from',
      `the window ${iso(from)}..${iso(to)} does not start and end on ${e.base} bar boundaries`,
      'use dates at midnight UTC or whole bar times',
    );
  return {
    name: e.name,
    symbol: e.symbol,
    baseTf: e.base,
    derivedTfs,
    from,
    to,
    regime: e.regime,
    description: typeof e.description === 'string' ? e.description.trim() : '',
    ...(e.source !== undefined ? { source: e.source } : {}),
    definedAt: at(),
  };
}

/** A date-only string is midnight UTC; a date-time without an offset is UTC too. NaN when it is not a date. */
function parseDate(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v.trim());
  if (!m) return NaN;
  const t = Date.parse(
    m[4] === undefined
      ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z`
      : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? 'Z'}`,
  );
  // Date.parse rolls 2022-02-30 over into March; a calendar typo should not silently move the window.
  if (!Number.isFinite(t) || (m[7] === undefined && new Date(t).getUTCDate() !== Number(m[3]))) return NaN;
  return t;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
}

function readCatalogFile(file: string): DatasetDef[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ForgeError(
      `cannot read the dataset catalog ${file}: ${(err as Error).message}`,
      'check the file exists and is readable',
      'E_CATALOG',
    );
  }
  return parseCatalog(text, file);
}

/** The shipped catalog, with the home's catalog merged over it (same name: the home's entry wins). */
export function loadCatalog(home: ForgeHome, shipped: string = SHIPPED_CATALOG): Map<string, DatasetDef> {
  const out = new Map<string, DatasetDef>();
  for (const d of readCatalogFile(shipped)) out.set(d.name, d);
  if (path.resolve(home.catalogPath) !== path.resolve(shipped) && fs.existsSync(home.catalogPath)) {
    for (const d of readCatalogFile(home.catalogPath)) out.set(d.name, d);
  }
  return out;
}

/** Symbols the shipped catalog's datasets use: a stand-in for them is never a typo's result. */
export function shippedSymbols(shipped: string = SHIPPED_CATALOG): Set<string> {
  return new Set(readCatalogFile(shipped).map((d) => d.symbol));
}

export const isShipped = (def: DatasetDef, shipped: string = SHIPPED_CATALOG): boolean =>
  def.definedAt.startsWith(`${shipped}:`);

export function findDataset(catalog: ReadonlyMap<string, DatasetDef>, name: string): DatasetDef {
  const def = catalog.get(name);
  if (def) return def;
  throw new ForgeError(
    `unknown dataset '${name}'${suggestion(name, catalog.keys())}`,
    `known datasets: ${[...catalog.keys()].join(', ')}; add your own to datasets/catalog.yaml in the forge home`,
    'E_UNKNOWN_DATASET',
  );
}
