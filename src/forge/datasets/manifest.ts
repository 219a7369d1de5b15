import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForgeError } from '../../engine/errors.js';
import type { Feed } from '../../engine/types.js';
import { writeFileAtomic } from '../atomic.js';
// Type-only: loading a dataset must not pay for the YAML parser (about 30 ms cold).
import type { Regime } from './catalog.js';
import { readTextIfExists } from '../atomic.js';

// manifest.json beside a built dataset's Parquet files: what was built, from what, and a hash of the
// column data so that a load can tell a damaged or swapped file from the one that was built.

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 1;

export interface TimeframeEntry {
  readonly tf: string;
  readonly tfMs: number;
  readonly bars: number;
  /** First and last bar open time, epoch ms (null when the timeframe has no complete bar). */
  readonly first: number | null;
  readonly last: number | null;
  /** File name inside the dataset folder. */
  readonly file: string;
}

export interface Manifest {
  readonly format: number;
  readonly name: string;
  readonly symbol: string;
  readonly regime: Regime;
  readonly description: string;
  /** [from, to) in ISO (UTC) and epoch ms. */
  readonly window: { readonly from: string; readonly to: string; readonly fromMs: number; readonly toMs: number };
  readonly baseTf: string;
  /** Base first, then the derived timeframes in catalog order: also the hash order. */
  readonly timeframes: readonly TimeframeEntry[];
  /** sha256 (hex) over the column data, see `contentHash`. */
  readonly hash: string;
  readonly source: 'real' | 'synthetic';
  /** The seed of the synthetic stand-in, when forge generated it during the build. */
  readonly seed?: string;
  readonly builtAt: string;
  readonly forgeVersion: string;
}

/** The candle columns of the engine's Feed, in the order the content hash reads them: declared once, here. */
export const COLUMN_ORDER = [
  'time',
  'open',
  'high',
  'low',
  'close',
  'volume',
] as const satisfies readonly (keyof Feed)[];
export type ColumnName = (typeof COLUMN_ORDER)[number];

/** What a dataset stores per timeframe: the Feed's columns without its tf and length. */
export type Columns = Pick<Feed, ColumnName>;

/**
 * sha256 over, for each timeframe in manifest order: the line "<tf>\n<bars>\n", then the columns
 * time (epoch ms), open, high, low, close, volume, each as little-endian float64. Independent of
 * Parquet encoding and compression, so a rewrite by another tool with the same values keeps the hash.
 */
export function contentHash(parts: readonly { tf: string; columns: Columns }[]): string {
  const h = createHash('sha256');
  const littleEndian = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
  for (const { tf, columns } of parts) {
    h.update(`${tf}\n${columns.time.length}\n`);
    for (const key of COLUMN_ORDER) {
      const col = columns[key];
      if (littleEndian) {
        h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
      } else {
        const dv = new DataView(new ArrayBuffer(col.length * 8));
        for (let i = 0; i < col.length; i++) dv.setFloat64(i * 8, col[i], true);
        h.update(new Uint8Array(dv.buffer));
      }
    }
  }
  return h.digest('hex');
}

export function writeManifest(dir: string, m: Manifest): void {
  writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
}

/** A file name the manifest may list: one plain name inside the dataset folder (no separator, no leading dot). */
const FILE_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The dataset a folder belongs to: <NAME> or <NAME>/vN (see folder.ts). */
const nameOf = (dir: string) => path.basename(/^v\d+$/.test(path.basename(dir)) ? path.dirname(dir) : dir);

/** The manifest of a built dataset, or null when `dir` holds none. */
export function readManifest(dir: string): Manifest | null {
  const file = path.join(dir, MANIFEST_FILE);
  const text = readTextIfExists(file);
  if (text === null) return null;
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (err) {
    throw new ForgeError(
      `${file}: not valid JSON (${(err as Error).message})`,
      `rebuild it: forge datasets build ${nameOf(dir)}`,
      'E_MANIFEST',
    );
  }
  if (m.format !== MANIFEST_FORMAT || !Array.isArray(m.timeframes) || typeof m.hash !== 'string') {
    throw new ForgeError(
      `${file}: not a forge dataset manifest (format ${String(m.format)})`,
      `rebuild it: forge datasets build ${nameOf(dir)}`,
      'E_MANIFEST',
    );
  }
  // The loader opens path.join(dir, file): a file like "../../etc/hostname" must never get there.
  m.timeframes.forEach((t, i) => {
    if (typeof t?.file !== 'string' || !FILE_RE.test(t.file)) {
      throw new ForgeError(
        `${file}: field timeframes[${i}].file is ${JSON.stringify(t?.file)}, ` +
          'not a plain file name inside the dataset folder',
        `the manifest was altered; rebuild the dataset: forge datasets build ${nameOf(dir)}`,
        'E_MANIFEST',
      );
    }
  });
  return m;
}

let version: string | undefined;
export function forgeVersion(): string {
  if (version === undefined) {
    try {
      const pkg = fileURLToPath(new URL('../../../package.json', import.meta.url));
      version = String((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown');
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
