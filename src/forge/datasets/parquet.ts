import fs from 'node:fs';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { ForgeError } from '../../engine/errors.js';
import { COLUMN_ORDER, type Columns } from './manifest.js';

// A dataset's Parquet file -> one Float64Array per column. hyparquet is the reader (pure JS, no native
// instance to start; see bench/RESULTS.md). The build reads its own files back through this too, so the
// hash it records is of exactly what a load will see.

// The dataset's columns (COLUMN_ORDER) as the Parquet files name them: time is 'ts', the store's name.
const PARQUET_COLUMNS: readonly string[] = COLUMN_ORDER.map((c) => (c === 'time' ? 'ts' : c));

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
