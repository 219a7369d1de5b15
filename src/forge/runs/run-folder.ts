import { createHash } from 'node:crypto';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { canonicalJson, makeDir, removeAtomicTemps } from '../atomic.js';
import { acquireLock } from '../lock.js';

// A run lives in <home>/runs/<id>/. The id is a hash of what determines the result (resolved config,
// dataset content, seed), so asking for the same search twice finds the same folder and can resume
// it, and two different searches can never share a folder. A lock (lock.ts) keeps two processes out of one.

export function runId(resolvedConfig: unknown, datasetHash: string, seed: string | number): string {
  const h = createHash('sha256').update(
    canonicalJson({ config: resolvedConfig, dataset: datasetHash, seed: String(seed) }),
  );
  return h.digest('hex').slice(0, 16);
}

export interface RunFolder {
  readonly id: string;
  readonly dir: string;
  readonly configPath: string;
  readonly checkpointPath: string;
  readonly hallOfFamePath: string;
  readonly statsPath: string;
  readonly evaluationsDir: string;
  release(): void;
}

/** A run id as `runId` makes it: 16 lower-case hex characters, so it is always one plain folder name. */
export const RUN_ID_RE = /^[0-9a-f]{16}$/;

export function isRunId(id: string): boolean {
  return RUN_ID_RE.test(id);
}

/**
 * Refuses anything but a run id before it becomes a path: ids are read back from config.json files
 * and command lines, and "../../x" there must not reach outside <home>/runs.
 */
export function assertRunId(id: unknown, where: string): string {
  if (typeof id === 'string' && isRunId(id)) return id;
  throw new ForgeError(
    `${where}: ${JSON.stringify(id)} is not a run id (16 lower-case hex characters, e.g. 3f2a9c0d1b2e4f56)`,
    'give the id forge printed (the name of a folder under <home>/runs); ' +
      'a config.json with another runId was altered: restore it or start the run again',
    'E_RUN_ID',
  );
}

/** A config.json's runId names the folder that is locked and written: it must be its own folder's id. */
export function assertStoredRunId(stored: unknown, configPath: string, folderId: string): string {
  const id = assertRunId(stored, `${configPath}: field runId`);
  if (id !== folderId) {
    throw new ForgeError(
      `${configPath}: field runId is ${id}, but the file is in the folder of run ${folderId}`,
      'the file was copied or altered: restore it, or start the run again',
      'E_RUN_ID',
    );
  }
  return id;
}

/** The id in a `--resume`/`validate`/`--run` argument: a run id or the path of its folder. */
export function runIdArgument(arg: string, option: string): string {
  return assertRunId(path.basename(arg.replace(/[\\/]+$/, '')), option);
}

export function runPaths(runsDir: string, id: string) {
  assertRunId(id, 'run id');
  const dir = path.join(runsDir, id);
  return {
    id,
    dir,
    configPath: path.join(dir, 'config.json'),
    checkpointPath: path.join(dir, 'checkpoint.json'),
    hallOfFamePath: path.join(dir, 'hall_of_fame.json'),
    statsPath: path.join(dir, 'generations.json'),
    evaluationsDir: path.join(dir, 'evaluations'),
    lockPath: path.join(dir, 'run.lock'),
  };
}

/**
 * Takes the run folder for this process, or refuses with the holder's pid. The lock is released by
 * the kernel when its holder dies (see lock.ts), so a run killed with SIGKILL can be resumed at once.
 * Temp files left by a killed holder (`*.tmp-PID-...`, see atomic.ts) are removed: while we hold the
 * lock nobody else writes here, so every temp file is a leftover.
 */
export async function acquireRunFolder(runsDir: string, id: string): Promise<RunFolder> {
  const p = runPaths(runsDir, id);
  makeDir(p.evaluationsDir);
  const lock = await acquireLock(
    p.lockPath,
    (holder) =>
      new ForgeError(
        `run ${id} is in use by another forge process (${holder})`,
        `wait for it to finish, or stop it; its folder is ${p.dir}`,
        'E_RUN_LOCKED',
      ),
  );
  try {
    removeAtomicTemps(p.dir);
    removeAtomicTemps(p.evaluationsDir);
  } catch (err) {
    lock.release();
    throw err;
  }
  return { ...p, release: () => lock.release() };
}

/** Generation `g`'s file in a run's evaluations folder (gen-00042.parquet); written by generation-file.ts. */
export const generationParquet = (evaluationsDir: string, g: number): string =>
  path.join(evaluationsDir, `gen-${String(g).padStart(5, '0')}.parquet`);
