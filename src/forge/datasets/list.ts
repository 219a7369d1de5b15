import fs from 'node:fs';
import type { ForgeHome } from '../home.js';
import { iso, loadCatalog } from './catalog.js';
import { datasetDir, readBuilt } from './folder.js';
import type { Manifest } from './manifest.js';

// `forge datasets ls`: what is built under <home>/datasets, and which catalog entries are not yet.

export interface DatasetListing {
  readonly name: string;
  /** built; not built (a catalog entry); damaged (a folder whose manifest cannot be read). */
  readonly status: 'built' | 'not built' | 'damaged';
  readonly source: 'real' | 'synthetic' | null;
  /**
   * Where missing candles are fetched from (the catalog entry's `source:`), or 'import' when only
   * imported ones count.
   */
  readonly candlesFrom: string;
  readonly window: string;
  /** "15m 140,256 · 1h 35,064" for built datasets, the catalog's timeframes otherwise. */
  readonly timeframes: string;
  readonly hash: string | null;
  readonly builtAt: string | null;
  readonly manifest: Manifest | null;
  readonly problem?: string;
}

/** Built datasets in <home>/datasets, then catalog entries not built yet. */
export function listDatasets(home: ForgeHome): DatasetListing[] {
  const out: DatasetListing[] = [];
  const catalog = loadCatalog(home);
  const from = (name: string) => catalog.get(name)?.source ?? 'import';
  const seen = new Set<string>();
  const dirs = fs.existsSync(home.datasetsDir)
    ? fs
        .readdirSync(home.datasetsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort()
    : [];
  for (const name of dirs) {
    let m: Manifest | null;
    try {
      m = readBuilt(datasetDir(home, name))?.manifest ?? null;
    } catch (err) {
      out.push({
        name,
        status: 'damaged',
        source: null,
        candlesFrom: from(name),
        window: '',
        timeframes: '',
        hash: null,
        builtAt: null,
        manifest: null,
        problem: (err as Error).message,
      });
      seen.add(name);
      continue;
    }
    if (m === null) continue; // a folder without a manifest is not a dataset
    seen.add(name);
    out.push({
      name,
      status: 'built',
      source: m.source,
      candlesFrom: from(name),
      window: `${iso(m.window.fromMs)}..${iso(m.window.toMs)}`,
      timeframes: m.timeframes.map((t) => `${t.tf} ${t.bars.toLocaleString('en-US')}`).join(' · '),
      hash: m.hash.slice(0, 12),
      builtAt: m.builtAt,
      manifest: m,
    });
  }
  for (const def of catalog.values()) {
    if (seen.has(def.name)) continue;
    out.push({
      name: def.name,
      status: 'not built',
      source: null,
      candlesFrom: from(def.name),
      window: `${iso(def.from)}..${iso(def.to)}`,
      timeframes: [def.baseTf, ...def.derivedTfs].join(' '),
      hash: null,
      builtAt: null,
      manifest: null,
    });
  }
  return out;
}
