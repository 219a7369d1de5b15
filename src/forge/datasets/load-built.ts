import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import type { Feed } from '../../engine/types.js';
import type { BuiltDataset } from './folder.js';
import { contentHash, type Columns, type Manifest } from './manifest.js';
import { readParquetColumns } from './parquet.js';

// Decoding a build, apart from load.ts: the dataset loader thread (load-shared-worker.ts) imports only
// this, not the build path behind load.ts (DuckDB, the catalog, YAML), whose loading cost the thread
// ~0.5 s of a small search's start (bench/RESULTS.md, issue 11 point 3).

export interface LoadedDataset {
  readonly manifest: Manifest;
  /** One Feed per timeframe of the manifest, keyed by timeframe label. */
  readonly feeds: Record<string, Feed>;
}

/** Decodes one build's Parquet files and checks them against its manifest (bar counts, content hash). */
export async function loadBuilt(name: string, { manifest, dir }: BuiltDataset): Promise<LoadedDataset> {
  const rebuild = `rebuild it: forge datasets build ${name}`;
  const feeds: Record<string, Feed> = {};
  const parts: { tf: string; columns: Columns }[] = [];
  for (const entry of manifest.timeframes) {
    const file = path.join(dir, entry.file);
    if (!fs.existsSync(file)) {
      throw new ForgeError(
        `dataset '${name}': ${file} is missing (the manifest lists it for ${entry.tf})`,
        rebuild,
        'E_DATASET_FILE',
      );
    }
    const columns = await readParquetColumns(file);
    if (columns.time.length !== entry.bars) {
      throw new ForgeError(
        `dataset '${name}': ${file} has ${columns.time.length} bars, the manifest says ${entry.bars}`,
        rebuild,
        'E_DATASET_HASH',
      );
    }
    parts.push({ tf: entry.tf, columns });
    feeds[entry.tf] = { tf: entry.tf, tfMs: timeframeMs(entry.tf), ...columns, length: columns.time.length };
  }
  const hash = contentHash(parts);
  if (hash !== manifest.hash) {
    throw new ForgeError(
      `dataset '${name}': the Parquet data does not match the manifest's content hash ` +
        `(${hash.slice(0, 12)} != ${manifest.hash.slice(0, 12)}); a file was changed after the build`,
      rebuild,
      'E_DATASET_HASH',
    );
  }
  return { manifest, feeds };
}
