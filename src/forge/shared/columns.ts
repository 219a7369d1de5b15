import type { Feed } from '../../engine/types.js';
import { COLUMN_ORDER, type ColumnName } from '../datasets/manifest.js';

// A dataset placed once in shared memory: per timeframe, one SharedArrayBuffer per Feed column.
// Posting a SharedArrayBuffer to a worker shares it (no copy), so every worker builds zero-copy Feed
// views over the same bytes and tasks never carry candles. Arrow is the wire format only: the bytes
// shipped to remote workers are Arrow IPC streams of arrowTable (distributed/arrow-table.ts); Arrow is
// loaded there only (146 modules, ~0.1 s in every thread that imported this file).

/** The dataset's columns, as manifest.ts declares them (the content hash's order). */
export const COLUMNS = COLUMN_ORDER;

/** What crosses the thread boundary once per worker: buffers plus the few numbers needed to view them. */
export interface SharedTimeframe {
  readonly tf: string;
  readonly tfMs: number;
  readonly length: number;
  readonly buffers: Readonly<Record<ColumnName, SharedArrayBuffer>>;
}

export interface SharedDataset {
  readonly name: string;
  readonly contentHash: string;
  readonly timeframes: readonly SharedTimeframe[];
}

/** Copies each feed once into SharedArrayBuffers (the only copy of candle data in a run). */
export function shareFeeds(name: string, contentHash: string, feeds: Readonly<Record<string, Feed>>): SharedDataset {
  const timeframes = Object.values(feeds).map((feed): SharedTimeframe => {
    const buffers = {} as Record<ColumnName, SharedArrayBuffer>;
    for (const column of COLUMNS) {
      const sab = new SharedArrayBuffer(feed.length * Float64Array.BYTES_PER_ELEMENT);
      new Float64Array(sab).set(feed[column]);
      buffers[column] = sab;
    }
    return { tf: feed.tf, tfMs: feed.tfMs, length: feed.length, buffers };
  });
  return { name, contentHash, timeframes };
}

/** Feeds over the shared memory, by timeframe; the arrays alias the shared buffers (the engine only reads feeds). */
export function sharedFeeds(shared: SharedDataset): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  for (const { tf, tfMs, length, buffers } of shared.timeframes) {
    const col = (c: ColumnName) => new Float64Array(buffers[c], 0, length);
    feeds[tf] = {
      tf,
      tfMs,
      length,
      time: col('time'),
      open: col('open'),
      high: col('high'),
      low: col('low'),
      close: col('close'),
      volume: col('volume'),
    };
  }
  return feeds;
}

/** Bytes of candle data held in shared memory (for the bench and the run summary). */
export function sharedBytes(shared: SharedDataset): number {
  return shared.timeframes.reduce((s, t) => s + COLUMNS.length * t.length * Float64Array.BYTES_PER_ELEMENT, 0);
}
