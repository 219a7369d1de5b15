import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { ForgeError } from '../../engine/errors.js';
import { makeDir, removeAtomicTemps } from '../atomic.js';

// The embedded candle store: one DuckDB file, one writer process at a time (DuckDB's own file lock),
// readers open read-only. Every multi-statement write goes through `transaction`, so a failed import
// leaves the store exactly as it was.

export interface OpenStoreOptions {
  /** Open for reading only: never creates the file, never takes the write lock. */
  readonly readOnly?: boolean;
  /** DuckDB settings for this instance, e.g. { memory_limit: '128MB', threads: '1' } (default: DuckDB's). */
  readonly settings?: Readonly<Record<string, string>>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS candles (
  symbol   VARCHAR NOT NULL,
  tf       VARCHAR NOT NULL,
  ts       BIGINT  NOT NULL,   -- bar open time, epoch milliseconds UTC
  open     DOUBLE  NOT NULL,
  high     DOUBLE  NOT NULL,
  low      DOUBLE  NOT NULL,
  close    DOUBLE  NOT NULL,
  volume   DOUBLE  NOT NULL,
  source   VARCHAR NOT NULL,   -- file name it came from, or 'synthetic'
  repaired BOOLEAN NOT NULL DEFAULT false,  -- high/low widened on import to contain open/close
  PRIMARY KEY (symbol, tf, ts)
);
CREATE TABLE IF NOT EXISTS symbols (
  symbol   VARCHAR PRIMARY KEY,
  calendar VARCHAR NOT NULL DEFAULT '24x7'   -- '24x7' or 'weekdays': which gaps preflight accepts
);
`;

/**
 * A writer killed between creating the store file and committing its tables (kill -9 early in a first
 * import) leaves a file without them; a reader cannot create them in a read-only file, so each missing
 * table is stood in for by an empty temporary one (this connection only): `data ls`, `data check` and
 * the stand-in check then see an empty store instead of a DuckDB catalog error. Existing tables are
 * never shadowed: only the missing ones get a stand-in.
 */
async function emptyTablesForMissing(connection: DuckDBConnection): Promise<void> {
  const reader = await connection.runAndReadAll(
    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'",
  );
  const have = new Set(reader.getRows().map((r) => String(r[0])));
  for (const ddl of SCHEMA.split(';')) {
    const name = /CREATE TABLE IF NOT EXISTS (\w+)/.exec(ddl)?.[1];
    if (name !== undefined && !have.has(name))
      await connection.run(ddl.replace('CREATE TABLE IF NOT EXISTS', 'CREATE TEMP TABLE'));
  }
}

export class CandleStore {
  private closed = false;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(storePath: string, options: OpenStoreOptions = {}): Promise<CandleStore> {
    const readOnly = options.readOnly ?? false;
    if (readOnly && !fs.existsSync(storePath)) {
      throw new ForgeError(
        `the candle store ${storePath} does not exist yet`,
        'import candles with `forge data import FILE --symbol S --tf 1h` or generate them with `forge data synth`',
        'E_NO_STORE',
      );
    }
    if (!readOnly) makeDir(path.dirname(storePath));
    // libduckdb (~33 MiB of code, plus its allocator's arenas) is mapped on the first open, not when
    // this module loads: a search's process imports store code but never opens a store (store-child.ts).
    const { DuckDBInstance } = await import('@duckdb/node-api');
    let instance: DuckDBInstance;
    try {
      const settings = { ...options.settings, ...(readOnly ? { access_mode: 'READ_ONLY' } : {}) };
      instance = await DuckDBInstance.create(storePath, settings);
    } catch (err) {
      throw translateOpenError(storePath, err);
    }
    const connection = await instance.connect();
    const store = new CandleStore(storePath, readOnly, instance, connection);
    if (!readOnly) {
      await connection.run(SCHEMA);
      // Only a writer writes the summary (ls.ts), holding DuckDB's lock, which this open now holds: a
      // temp file of it is what a writer killed mid-write left.
      removeAtomicTemps(path.dirname(storePath), path.basename(summaryPath(storePath)));
    } else await emptyTablesForMissing(connection);
    return store;
  }

  /**
   * Runs `fn` inside BEGIN/COMMIT; any throw rolls everything
   * back and is rethrown (never the rollback's own error).
   */
  async transaction<T>(fn: (store: CandleStore) => Promise<T>): Promise<T> {
    this.assertWritable();
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await fn(this);
      await this.connection.run('COMMIT');
      return result;
    } catch (err) {
      // A failed COMMIT (disk full) has already ended the transaction, so ROLLBACK fails too ("no
      // transaction is active"): the first error is the one that says what went wrong.
      try {
        await this.connection.run('ROLLBACK');
      } catch {
        /* reported: err */
      }
      throw err;
    }
  }

  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Rows as plain JS objects (BIGINT comes back as bigint; cast in SQL where a number is wanted). */
  async all<T = Record<string, unknown>>(
    sql: string,
    params?: DuckDBValue[] | Record<string, DuckDBValue>,
  ): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  assertWritable(): void {
    if (this.readOnly) throw new Error('internal: write attempted on a read-only store handle');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function translateOpenError(storePath: string, err: unknown): ForgeError | unknown {
  const msg = err instanceof Error ? err.message : String(err);
  const lock = /Could not set lock on file.*?(?:\(PID (\d+)\))?/.exec(msg);
  if (lock) {
    const pid = /PID (\d+)/.exec(msg)?.[1];
    return new ForgeError(
      `store is locked: ${storePath} is open for writing by another process${pid ? ` (PID ${pid})` : ''}`,
      'wait for that forge command to finish (DuckDB allows one writer at a time), then retry',
      'E_STORE_LOCKED',
    );
  }
  if (/not a valid DuckDB database|Corrupt|checksum/i.test(msg)) {
    return new ForgeError(
      `the candle store ${storePath} is not a readable DuckDB file: ${msg}`,
      'move it aside and re-import',
      'E_STORE_CORRUPT',
    );
  }
  return err;
}

/** The `source` of generated candles (synth.ts); any other source is a real file or feed. */
export const SYNTHETIC_SOURCE = 'synthetic';

/** Where the candle summary of a store file lives (beside it; ls.ts writes and reads it). */
export function summaryPath(storePath: string): string {
  return `${storePath}.summary.json`;
}

/**
 * A file every candle write touches before it changes anything (write.ts upsertCandles), beside the
 * store; ls.ts candleTransaction rewrites the summary after the commit. The summary is current when it
 * is no older than this mark (a write that died between the two leaves the mark newer, and readers then
 * ask the store itself).
 */
export function candleMarkPath(storePath: string): string {
  return `${storePath}.candles-mark`;
}

/** Opens the store, runs `fn`, always closes: the usual shape of a CLI command. */
export async function withStore<T>(
  storePath: string,
  options: OpenStoreOptions,
  fn: (store: CandleStore) => Promise<T>,
): Promise<T> {
  const store = await CandleStore.open(storePath, options);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/**
 * Opens the store for writing, waiting up to `waitMs` while another forge process holds the lock:
 * runs record results between generations and must not fail because an import is finishing.
 */
export async function openStoreWaiting(
  storePath: string,
  waitMs = 15_000,
  options: OpenStoreOptions = {},
): Promise<CandleStore> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await CandleStore.open(storePath, options);
    } catch (err) {
      if (!(err instanceof ForgeError && err.code === 'E_STORE_LOCKED') || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
