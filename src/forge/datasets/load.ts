import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import type { ForgeHome } from '../home.js';
import { ensureBuilt, type EnsureOptions } from './ensure.js';
import { readBuilt, datasetDir, POINTER_FILE, type BuiltDataset } from './folder.js';
import { loadBuilt, type LoadedDataset } from './load-built.js';
import type { Manifest } from './manifest.js';

export { loadBuilt, type LoadedDataset };

// The one way from a dataset name to its candles: the current build's manifest is read once (built
// first when the caller allows it), a stored run's hash is checked against it once, then the Parquet
// files are decoded and checked against the manifest's content hash. loadDataset decodes in this
// process; loadSharedDataset (load-shared.ts) takes the same path on a thread into shared memory.

/** The content hash a stored run was made on: a dataset rebuilt since is refused before it is decoded. */
export interface DatasetPin {
  readonly hash: string;
  readonly runId: string;
  /** What to do instead, e.g. 'start a new run (same flags) instead of resuming'. */
  readonly fix: string;
}

export interface LoadOptions {
  /** Build the dataset first when it is absent or its catalog entry changed; without it, it must be built. */
  readonly ensure?: EnsureOptions;
  readonly pin?: DatasetPin;
}

/** Loads a built dataset. Missing, incomplete, altered or (pinned) rebuilt ones are ForgeErrors saying what to do. */
export function loadDataset(home: ForgeHome, name: string, o: LoadOptions = {}): Promise<LoadedDataset> {
  return withCurrentBuild(home, name, o, (built) => loadBuilt(name, built));
}

/**
 * `decode(build)` of the dataset's current build. A build finishing meanwhile switches current.json and
 * removes the version being read: then the new build is read once more (pin still checked).
 */
export async function withCurrentBuild<T>(
  home: ForgeHome,
  name: string,
  o: LoadOptions,
  decode: (built: BuiltDataset) => Promise<T>,
): Promise<T> {
  const top = datasetDir(home, name);
  const built = o.ensure === undefined ? builtOrThrow(top, name) : await ensureBuilt(home, name, o.ensure);
  checkPin(name, built.manifest, o.pin);
  try {
    return await decode(built);
  } catch (err) {
    if (!switchedFrom(top, built.dir)) throw err;
  }
  const again = builtOrThrow(top, name);
  checkPin(name, again.manifest, o.pin);
  return decode(again);
}

function builtOrThrow(top: string, name: string): BuiltDataset {
  const built = readBuilt(top);
  if (built === null) {
    throw new ForgeError(
      `dataset '${name}' is not built (no ${path.join(top, POINTER_FILE)})`,
      `build it first: forge datasets build ${name}`,
      'E_DATASET_NOT_BUILT',
    );
  }
  return built;
}

function checkPin(name: string, manifest: Manifest, pin: DatasetPin | undefined): void {
  if (pin === undefined || manifest.hash === pin.hash) return;
  const was = `run ${pin.runId} was made on dataset ${name} with content hash ${pin.hash.slice(0, 12)}`;
  throw new ForgeError(
    `${was}, which is now ${manifest.hash.slice(0, 12)}`,
    `the dataset was rebuilt with other candles; ${pin.fix}`,
    'E_RUN_DATASET',
  );
}

function switchedFrom(top: string, dir: string): boolean {
  try {
    return readBuilt(top)?.dir !== dir;
  } catch {
    return false; // the first error is the one to report
  }
}
