import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { ForgeError, suggestion } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import type { ForgeHome } from '../home.js';

// The dataset catalog: named windows of one symbol's candles that stand for a market regime.
// The shipped catalog lives in the package; a user catalog in <home>/datasets/catalog.yaml adds
// entries or replaces shipped ones by name.

export const REGIMES = ['bull', 'bear', 'range', 'volatile', 'cycle'] as const;
export type Regime = (typeof REGIMES)[number];

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
  /** The catalog file (and line) that defined it, for messages. */
  readonly definedAt: string;
}

/** src/forge/datasets and dist/forge/datasets are both three levels below the package root. */
export const SHIPPED_CATALOG = fileURLToPath(new URL('../../../datasets/catalog.yaml', import.meta.url));

const KEYS = ['name', 'symbol', 'base', 'derived', 'from', 'to', 'regime', 'description'] as const;
const REQUIRED = ['name', 'symbol', 'base', 'from', 'to', 'regime'] as const;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Parses one catalog file's text. `file` is only used in messages. */
export function parseCatalog(text: string, file: string): DatasetDef[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (node: YamlNode | null | undefined) =>
    node?.range ? `${file}:${lines.linePos(node.range[0]).line}` : file;
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ForgeError(`${file}:${e.linePos?.[0].line ?? '?'}: not valid YAML: ${e.message.split('\n')[0]}`, 'fix the YAML syntax (indentation, colons, quotes)', 'E_CATALOG');
  }
  if (doc.contents === null) return [];
  const root = doc.contents;
  const shapeFix = 'start the file with `datasets:` followed by a list of entries';
  if (!isMap(root)) throw new ForgeError(`${where(root)}: a catalog is a mapping with one key, 'datasets'`, shapeFix, 'E_CATALOG');
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (key !== 'datasets') {
      throw new ForgeError(`${where(pair.key as YamlNode)}: unknown top-level key '${key}'${suggestion(key, ['datasets'])}`, 'a catalog has only `datasets:`', 'E_CATALOG');
    }
  }
  if (!root.has('datasets')) throw new ForgeError(`${where(root)}: a catalog is a mapping with one key, 'datasets'`, shapeFix, 'E_CATALOG');
  const list = root.get('datasets', true);
  if (list === null || list === undefined || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) {
    throw new ForgeError(`${where(list as YamlNode)}: 'datasets' must be a list of entries`, 'write each entry as `- name: ...` under `datasets:`', 'E_CATALOG');
  }
  const out: DatasetDef[] = [];
  const seen = new Set<string>();
  list.items.forEach((item, index) => {
    const def = parseEntry(item as YamlNode, index, file, where);
    if (seen.has(def.name)) {
      throw new ForgeError(`${def.definedAt}: entry '${def.name}' is defined twice in this file`, 'rename or remove one of them', 'E_CATALOG');
    }
    seen.add(def.name);
    out.push(def);
  });
  return out;
}

function parseEntry(node: YamlNode, index: number, file: string, where: (n: YamlNode | null | undefined) => string): DatasetDef {
  if (!isMap(node)) {
    throw new ForgeError(`${where(node)}: catalog entry #${index + 1} is not a mapping`, 'write it as `- name: X` followed by symbol, base, from, to, regime on their own lines', 'E_CATALOG');
  }
  const map = node as YAMLMap;
  const rawName = map.get('name');
  const label = typeof rawName === 'string' && rawName !== '' ? `entry '${rawName}'` : `entry #${index + 1}`;
  const fail = (field: string, problem: string, fix: string, at: YamlNode | null | undefined = node): never => {
    throw new ForgeError(`${where(at)}: ${label}, field '${field}': ${problem}`, fix, 'E_CATALOG');
  };
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(KEYS as readonly string[]).includes(key)) {
      fail(key, `unknown field${suggestion(key, KEYS)}`, `remove it; the fields are ${KEYS.join(', ')}`, pair.key as YamlNode);
    }
  }
  for (const key of REQUIRED) {
    const v = map.get(key);
    if (v === undefined || v === null || v === '') fail(key, 'missing', `add \`${key}:\` to the entry (${REQUIRED.join(', ')} are required)`);
  }
  const valueNode = (key: string) => map.get(key, true) as YamlNode | undefined;
  const str = (key: string): string => {
    const v = map.get(key);
    if (typeof v !== 'string' && typeof v !== 'number') fail(key, `must be text, got ${JSON.stringify(v)}`, `write \`${key}: VALUE\``, valueNode(key));
    return String(v);
  };

  const name = str('name');
  if (!NAME_RE.test(name)) fail('name', `'${name}' cannot be a folder name`, 'use letters, digits, _ . and -, e.g. BTCUSDT_BEAR_2022', valueNode('name'));
  const symbol = str('symbol');
  if (!NAME_RE.test(symbol)) fail('symbol', `'${symbol}' is not a symbol`, 'use the symbol as stored, e.g. BTCUSDT', valueNode('symbol'));

  const tf = (raw: string, field: string, at: YamlNode | undefined): number => {
    try {
      return timeframeMs(raw, field);
    } catch (err) {
      if (err instanceof ForgeError) return fail(field, err.message.replace(`${field}: `, ''), err.fix ?? '', at);
      throw err;
    }
  };
  const baseTf = str('base');
  const baseMs = tf(baseTf, 'base', valueNode('base'));

  const derivedRaw = map.get('derived');
  let derivedTfs: string[] = [];
  if (derivedRaw !== undefined && derivedRaw !== null) {
    const seq = valueNode('derived');
    if (!isSeq(seq)) fail('derived', 'must be a list', 'write `derived: [4h, 1d]`', seq);
    derivedTfs = (seq as unknown as { items: YamlNode[] }).items.map((n) => {
      const v = isScalar(n) ? String(n.value) : '';
      const ms = tf(v, 'derived', n);
      if (ms <= baseMs || ms % baseMs !== 0) {
        fail('derived', `'${v}' is not a whole multiple of the base timeframe ${baseTf}`, `use timeframes above ${baseTf} that it divides, e.g. ${baseMs < 3_600_000 ? '1h, 4h' : '4h, 1d'}`, n);
      }
      return v;
    });
    const dup = derivedTfs.find((v, i) => derivedTfs.indexOf(v) !== i);
    if (dup !== undefined) fail('derived', `'${dup}' is listed twice`, 'list each timeframe once', seq);
  }

  const from = parseDate(map.get('from'), () => fail('from', `${JSON.stringify(String(map.get('from')))} is not a date`, 'write an ISO date in UTC, e.g. 2022-01-01 or 2022-01-01T00:00:00Z', valueNode('from')));
  const to = parseDate(map.get('to'), () => fail('to', `${JSON.stringify(String(map.get('to')))} is not a date`, 'write an ISO date in UTC, e.g. 2023-01-01 (exclusive)', valueNode('to')));
  if (from >= to) fail('to', `the window is empty: to (${iso(to)}) is not after from (${iso(from)})`, '`to` is exclusive and must be later than `from`', valueNode('to'));
  if (from % baseMs !== 0 || to % baseMs !== 0) fail('from', `the window ${iso(from)}..${iso(to)} does not start and end on ${baseTf} bar boundaries`, 'use dates at midnight UTC or whole bar times', valueNode('from'));

  const regime = str('regime');
  if (!(REGIMES as readonly string[]).includes(regime)) {
    fail('regime', `'${regime}' is not a regime${suggestion(regime, REGIMES)}`, `use one of ${REGIMES.join(', ')}`, valueNode('regime'));
  }
  const description = map.get('description');
  if (description !== undefined && description !== null && typeof description !== 'string') {
    fail('description', 'must be text', 'write `description: what the window stands for`', valueNode('description'));
  }
  return {
    name,
    symbol,
    baseTf,
    derivedTfs,
    from,
    to,
    regime: regime as Regime,
    description: typeof description === 'string' ? description.trim() : '',
    definedAt: where(node),
  };
}

/** A date-only string is midnight UTC; a date-time without an offset is UTC too. */
function parseDate(v: unknown, bad: () => never): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return bad();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v.trim());
  if (!m) return bad();
  const t = Date.parse(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? 'Z'}`);
  // Date.parse rolls 2022-02-30 over into March; a calendar typo should not silently move the window.
  if (!Number.isFinite(t) || (m[7] === undefined && new Date(t).getUTCDate() !== Number(m[3]))) return bad();
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
    throw new ForgeError(`cannot read the dataset catalog ${file}: ${(err as Error).message}`, 'check the file exists and is readable', 'E_CATALOG');
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

export function findDataset(catalog: ReadonlyMap<string, DatasetDef>, name: string): DatasetDef {
  const def = catalog.get(name);
  if (def) return def;
  throw new ForgeError(
    `unknown dataset '${name}'${suggestion(name, catalog.keys())}`,
    `known datasets: ${[...catalog.keys()].join(', ')}; add your own to datasets/catalog.yaml in the forge home`,
    'E_UNKNOWN_DATASET',
  );
}
