import { makeVector, Table } from 'apache-arrow';
import type { Feed } from '../../engine/types.js';
import { COLUMN_ORDER } from '../datasets/manifest.js';

// A dataset placed once in shared memory: one Arrow table per timeframe whose Float64 columns live
// in SharedArrayBuffers. Posting a SharedArrayBuffer to a worker shares it (no copy), so every
// worker builds zero-copy Feed views over the same bytes and tasks never carry candles.

// The dataset's columns, declared once (manifest.ts: the content hash's order).
export const COLUMNS = COLUMN_ORDER;
export type ColumnName = (typeof COLUMNS)[number];

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

/** Arrow view of one shared timeframe; the vectors' values are the shared memory itself. */
export function arrowTable(st: SharedTimeframe): Table {
  const vectors = Object.fromEntries(
    COLUMNS.map((c) => [c, makeVector(new Float64Array(st.buffers[c], 0, st.length))]),
  );
  return new Table(vectors);
}

/**
 * Feeds over the shared memory, by timeframe, read through Arrow (so any Arrow consumer sees the same
 * columns). The arrays alias the shared buffers: the engine treats feeds as read-only.
 */
export function sharedFeeds(shared: SharedDataset): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  for (const st of shared.timeframes) {
    const table = arrowTable(st);
    const col = (c: ColumnName) => table.getChild(c)!.data[0].values as Float64Array;
    feeds[st.tf] = {
      tf: st.tf,
      tfMs: st.tfMs,
      length: st.length,
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
