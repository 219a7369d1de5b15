import fs from 'node:fs';
import path from 'node:path';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { ForgeError } from '../../engine/errors.js';
import { timeframeMs } from '../../engine/timeframe.js';
import type { Feed } from '../../engine/types.js';
import type { ForgeHome } from '../home.js';
import { readBuilt, datasetDir, POINTER_FILE, type BuiltDataset } from './folder.js';
import { COLUMN_ORDER, contentHash, type Columns, type Manifest } from './manifest.js';

// Loading a built dataset: Parquet -> one Float64Array per column, verified against the manifest's
// content hash. hyparquet is the reader (pure JS, no native instance to start; see bench/RESULTS.md).

// The dataset's columns (COLUMN_ORDER) as the Parquet files name them: time is 'ts', the store's name.
const PARQUET_COLUMNS: readonly string[] = COLUMN_ORDER.map((c) => (c === 'time' ? 'ts' : c));

export interface LoadedDataset {
  readonly manifest: Manifest;
  /** One Feed per timeframe of the manifest, keyed by timeframe label. */
  readonly feeds: Record<string, Feed>;
}

/** Reads a dataset Parquet file (ts BIGINT epoch ms + 5 DOUBLE columns) into typed arrays. */
export async function readParquetColumns(file: string): Promise<Columns> {
  const buf = fs.readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(ab);
  const n = Number(meta.num_rows);
  const names = meta.schema.slice(1).map((s) => s.name);
  for (const c of PARQUET_COLUMNS) {
    if (!names.includes(c)) {
      throw new ForgeError(
        `${file}: column '${c}' is missing (has ${names.join(', ')})`,
        'rebuild the dataset with `forge datasets build NAME`',
        'E_DATASET_FILE',
      );
    }
  }
  const out = PARQUET_COLUMNS.map(() => new Float64Array(n));
  // A null never belongs in a dataset, and a typed array would silently turn it into 0. When the
  // writer's statistics promise no nulls (DuckDB records null_count), copy without looking.
  const noNulls = meta.row_groups.every((g) => g.columns.every((c) => c.meta_data?.statistics?.null_count === 0n));
  let bad: string | undefined;
  await parquetRead({
    file: ab,
    columns: [...PARQUET_COLUMNS],
    metadata: meta,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const dst = out[PARQUET_COLUMNS.indexOf(columnName)];
      const len = columnData.length;
      if (noNulls && typeof columnData[0] === 'number') {
        dst.set(columnData as ArrayLike<number>, rowStart);
        return;
      }
      for (let i = 0; i < len; i++) {
        const v = columnData[i] as number | bigint | null;
        if (v === null || v === undefined) bad ??= `${columnName} row ${rowStart + i} is null`;
        dst[rowStart + i] = typeof v === 'bigint' ? Number(v) : (v as number);
      }
    },
  });
  if (bad !== undefined)
    throw new ForgeError(`${file}: ${bad}`, 'rebuild the dataset with `forge datasets build NAME`', 'E_DATASET_FILE');
  return { time: out[0], open: out[1], high: out[2], low: out[3], close: out[4], volume: out[5] };
}

/** Loads a built dataset. Missing, incomplete or altered builds are ForgeErrors that say how to rebuild. */
export async function loadDataset(home: ForgeHome, name: string): Promise<LoadedDataset> {
  const top = datasetDir(home, name);
  // A build finishing meanwhile switches current.json and removes the version being read: read again.
  for (let attempt = 0; ; attempt++) {
    const built = readBuilt(top);
    if (built === null) {
      throw new ForgeError(
        `dataset '${name}' is not built (no ${path.join(top, POINTER_FILE)})`,
        `build it first: forge datasets build ${name}`,
        'E_DATASET_NOT_BUILT',
      );
    }
    try {
      return await loadBuilt(name, built);
    } catch (err) {
      if (attempt > 0 || !switchedFrom(top, built.dir)) throw err;
    }
  }
}

function switchedFrom(top: string, dir: string): boolean {
  try {
    return readBuilt(top)?.dir !== dir;
  } catch {
    return false; // the first error is the one to report
  }
}

async function loadBuilt(name: string, { manifest, dir }: BuiltDataset): Promise<LoadedDataset> {
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
      `dataset '${name}': the Parquet data does not match the manifest's content hash (${hash.slice(0, 12)} != ${manifest.hash.slice(0, 12)}); a file was changed after the build`,
      rebuild,
      'E_DATASET_HASH',
    );
  }
  return { manifest, feeds };
}
