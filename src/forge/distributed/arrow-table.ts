import { makeVector, Table } from 'apache-arrow';
import { COLUMNS, type SharedTimeframe } from '../shared/columns.js';

/** Arrow view of one shared timeframe, for the IPC stream to remote workers; its values are the shared memory. */
export function arrowTable(st: SharedTimeframe): Table {
  const vectors = Object.fromEntries(
    COLUMNS.map((c) => [c, makeVector(new Float64Array(st.buffers[c], 0, st.length))]),
  );
  return new Table(vectors);
}
