import fs from 'node:fs';
import path from 'node:path';
import { osError } from './os-error.js';

/** The temp name the atomic writes below use for `target`: `<target>.tmp-PID-ms`. */
const tempOf = (target: string, stamp: string): string => `${target}.tmp-${stamp}`;
const TEMP = /\.tmp-\d+/;

/**
 * Removes the temp files the atomic writes below left in `dir` when their process was killed between
 * writing and renaming: all of them, or only those of the file named `of`. Call only where no live
 * writer can be writing (under the lock that guards the folder or the file).
 */
export function removeAtomicTemps(dir: string, of?: string): void {
  const prefix = of === undefined ? undefined : `${of}.tmp-`;
  for (const name of fs.readdirSync(dir)) {
    if (prefix === undefined ? TEMP.test(name) : name.startsWith(prefix) && TEMP.test(name.slice(of!.length)))
      fs.rmSync(path.join(dir, name), { force: true, recursive: true });
  }
}

/** Whether `name` is one of those temp files (for a clean-up that removes other leftovers too). */
export const isAtomicTemp = (name: string): boolean => TEMP.test(name);

/**
 * Writes a file so that readers see the old content or the new, never half: write a temp file in the
 * same folder, fsync it, then rename over the target (atomic on POSIX within one file system).
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const tmp = tempOf(target, `${process.pid}-${Date.now()}`);
  makeDir(path.dirname(target));
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    // Removing the temp file is clean-up: if it fails too, the write's own error is the one to report
    // (and the temp file is a leftover the next run removes).
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* reported: err */
    }
    throw osError(err, 'write', target);
  }
}

/**
 * writeFileAtomic for several files as one step: every temp file is written and fsynced at once (the
 * fsyncs overlap on the thread pool instead of queueing: on a busy disk one took 50-100 ms, and a run
 * writer's job of 4-20 files waited for them one by one, bench/RESULTS.md), then the files are renamed
 * in the order given, so a reader or a crash sees the earlier ones in place before any later one.
 */
export async function writeFilesAtomic(files: readonly (readonly [string, string | Uint8Array])[]): Promise<void> {
  const stamp = `${process.pid}-${Date.now()}`;
  const temps = files.map(([target]) => tempOf(target, stamp));
  const writeOne = async ([target, data]: readonly [string, string | Uint8Array], tmp: string): Promise<void> => {
    makeDir(path.dirname(target));
    try {
      const fh = await fs.promises.open(tmp, 'w');
      try {
        await fh.writeFile(typeof data === 'string' ? Buffer.from(data) : data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw osError(err, 'write', target);
    }
  };
  try {
    const done = await Promise.allSettled(files.map((f, i) => writeOne(f, temps[i])));
    const failed = done.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    files.forEach(([target], i) => {
      try {
        fs.renameSync(temps[i], target);
      } catch (err) {
        throw osError(err, 'write', target);
      }
    });
  } catch (err) {
    // As in writeFileAtomic: the write's own error is the one to report; leftovers are removed by the next run.
    for (const tmp of temps) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* reported: err */
      }
    }
    throw err;
  }
}

/**
 * mkdir -p with the real cause on failure: Node's recursive mkdir reports ENOENT for the leaf when
 * a parent cannot be made (read-only disk, permissions), so the failing level is retried alone.
 */
export function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    const missing: string[] = [];
    for (let d = dir; !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      try {
        fs.mkdirSync(d);
      } catch (inner) {
        throw osError(inner, 'create the folder', d);
      }
    }
    throw osError(err, 'create the folder', dir);
  }
}

/** JSON with sorted keys, so equal objects hash and compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** A text file's content, or null when it does not exist (any other error is thrown as it is). */
export function readTextIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
