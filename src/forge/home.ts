import path from 'node:path';

/** Where a forge home keeps its parts. One object, resolved once by the CLI and passed down. */
export interface ForgeHome {
  readonly root: string;
  /** The DuckDB candle store. */
  readonly storePath: string;
  /** Built datasets: <datasets>/<NAME>/ with Parquet files and a manifest. */
  readonly datasetsDir: string;
  /** User catalog additions, merged over the shipped datasets/catalog.yaml. */
  readonly catalogPath: string;
  readonly runsDir: string;
}

export function forgeHome(root: string): ForgeHome {
  const abs = path.resolve(root);
  return {
    root: abs,
    storePath: path.join(abs, 'data', 'forge.duckdb'),
    datasetsDir: path.join(abs, 'datasets'),
    catalogPath: path.join(abs, 'datasets', 'catalog.yaml'),
    runsDir: path.join(abs, 'runs'),
  };
}
