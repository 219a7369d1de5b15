import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { canonicalJson, makeDir } from '../atomic.js';

// A run lives in <home>/runs/<id>/. The id is a hash of what determines the result (resolved config,
// dataset content, seed), so asking for the same search twice finds the same folder and can resume
// it, and two different searches can never share a folder. A lock file keeps two processes out of one.

export function runId(resolvedConfig: unknown, datasetHash: string, seed: string | number): string {
  const h = createHash('sha256').update(canonicalJson({ config: resolvedConfig, dataset: datasetHash, seed: String(seed) }));
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

export function runPaths(runsDir: string, id: string) {
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

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the run folder for this process. A lock left by a process that no longer exists (killed
 * with SIGKILL) is taken over; a live one is refused with the holder's pid.
 */
export function acquireRunFolder(runsDir: string, id: string): RunFolder {
  const p = runPaths(runsDir, id);
  makeDir(p.evaluationsDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(p.lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        ...p,
        release: () => {
          if (released) return;
          released = true;
          fs.rmSync(p.lockPath, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(p.lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new ForgeError(
          `run ${id} is in use by another forge process (PID ${holder})`,
          `wait for it to finish, or stop it; its folder is ${p.dir}`,
          'E_RUN_LOCKED',
        );
      }
      fs.rmSync(p.lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new ForgeError(`could not lock run folder ${p.dir}`, 'retry', 'E_RUN_LOCKED');
}
