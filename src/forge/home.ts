import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../engine/errors.js';

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

/**
 * Room forge needs below the home for its deepest path (runs/<id>/evaluations/gen-NNNNN.parquet.tmp-PID,
 * datasets/<NAME>/vN/...), so a home near PATH_MAX fails here and not halfway through a run.
 */
const DEEPEST_BELOW = 240;
const PATH_MAX = 4095;
const NAME_MAX = 255;

export function forgeHome(root: string): ForgeHome {
  const abs = checkHome(root);
  const datasetsDir = path.join(abs, 'datasets');
  return {
    root: abs,
    storePath: path.join(abs, 'data', 'forge.duckdb'),
    datasetsDir,
    catalogPath: path.join(datasetsDir, 'catalog.yaml'),
    runsDir: path.join(abs, 'runs'),
  };
}

/** The absolute home folder, or a clear error when it cannot be one (a file, too long, under a file). */
function checkHome(root: string): string {
  const fail = (problem: string, fix: string): never => {
    throw new ForgeError(`--home (or FORGE_HOME) ${JSON.stringify(root)}: ${problem}`, fix, 'E_HOME');
  };
  if (root === '' || root.includes('\0')) fail('not a folder path', 'give the path of a folder, e.g. --home ~/forge');
  const abs = path.resolve(root);
  const long = abs.split(path.sep).find((part) => Buffer.byteLength(part) > NAME_MAX);
  if (long !== undefined)
    fail(
      `the name '${long.slice(0, 40)}...' is ${Buffer.byteLength(long)} bytes; a name can have at most ${NAME_MAX}`,
      'use a shorter folder name',
    );
  if (Buffer.byteLength(abs) > PATH_MAX - DEEPEST_BELOW) {
    fail(
      `the path is ${Buffer.byteLength(abs)} bytes long; forge's ` +
        `files below it need at most ${PATH_MAX - DEEPEST_BELOW}`,
      'use a shorter path',
    );
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR')
      fail('a part of the path is a file, not a folder', 'give the path of a folder (it is created when missing)');
    if (code !== 'ENOENT') throw err; // the CLI names the path and cause (os-error.ts)
  }
  if (stat !== undefined && !stat.isDirectory())
    fail('is a file, not a folder', 'give the path of a folder (it is created when missing)');
  return abs;
}
