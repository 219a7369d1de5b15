import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ForgeError } from '../engine/errors.js';
import { writeFileAtomic } from './atomic.js';

// An exclusive lock that the kernel releases when its holder dies, however it dies (SIGKILL, OOM,
// or a zombie its parent never reaps: a dying process's files are closed whether or not it is reaped).
//
// The holder binds a Linux abstract-namespace Unix socket named after the lock file's real path.
// bind() is atomic, so of any number of racing processes exactly one wins; no file is ever taken
// over, so there is no "is the old holder still alive?" guess (the pid-file scheme it replaces raced,
// and counted zombies as alive). Chosen over flock(2) because Node has no flock and the npm addons
// for it need a compiler at install time; the socket needs nothing. Limits: Linux only (elsewhere
// the lock falls back to an exclusive pid file), and the name is per network namespace, so two
// containers sharing a folder but not a network namespace do not exclude each other.
//
// The pid beside the lock (in the lock file) is only for the "PID n holds it" message.

export interface Lock {
  readonly path: string;
  release(): void;
}

const ABSTRACT = process.platform === 'linux';

/** Takes the lock at `lockPath` (its folder must exist) or throws `busy` naming the holder's pid. */
export async function acquireLock(lockPath: string, busy: (holder: string) => ForgeError): Promise<Lock> {
  if (!ABSTRACT) return acquirePidFile(lockPath, busy);
  const key = lockKey(lockPath);
  for (let attempt = 0; ; attempt++) {
    const server = net.createServer();
    const failed = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
      server.listen({ path: key, exclusive: true }, () => resolve(null));
    });
    if (failed === null) return holding(server, lockPath);
    server.close();
    if (failed.code !== 'EADDRINUSE') throw failed;
    // Taken. A holder that was just killed may still be closing its files (a multi-threaded process
    // shows as a zombie before its last thread has gone), and a new holder may not have written its
    // pid yet: only a live pid in the file is an answer; otherwise look again, for at most a second.
    const pid = readPid(lockPath);
    if ((pid !== null && isLive(pid)) || attempt >= 40) throw busy(pid === null ? 'PID unknown' : `PID ${pid}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function holding(server: net.Server, lockPath: string): Lock {
  server.unref(); // the lock must not keep the process alive
  // isLockHeld connects to ask; each such connection is closed at once, and its errors are not ours.
  server.on('connection', (socket) => {
    socket.on('error', () => undefined);
    socket.destroy();
  });
  try {
    writeFileAtomic(lockPath, String(process.pid));
  } catch (err) {
    server.close();
    throw err;
  }
  let released = false;
  return {
    path: lockPath,
    release: () => {
      if (released) return;
      released = true;
      // The pid file first: once the socket is closed another process may own the lock and its file.
      // Never throws: a release runs in `finally` blocks and must not hide the error that got there,
      // and a pid file left behind only names a dead pid (see isLive).
      try {
        fs.rmSync(lockPath, { force: true });
      } catch {
        /* informational file only */
      }
      server.close();
    },
  };
}

/**
 * Whether some process holds the lock now, found without taking it (a reader such as `forge runs ls`
 * must never make a starting run fail to get its lock): on Linux, a connect to the holder's socket.
 */
export async function isLockHeld(lockPath: string): Promise<boolean> {
  if (!ABSTRACT) {
    const pid = readPid(lockPath);
    return pid !== null && pidExists(pid);
  }
  if (!fs.existsSync(path.dirname(lockPath))) return false;
  const key = lockKey(lockPath);
  return new Promise((resolve) => {
    const socket = net.connect({ path: key });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The socket name: one per lock file, whatever relative path or symlink names it. */
function lockKey(lockPath: string): string {
  const real = path.join(fs.realpathSync(path.dirname(lockPath)), path.basename(lockPath));
  return '\0forge-lock-' + createHash('sha256').update(real).digest('hex');
}

function readPid(lockPath: string): number | null {
  try {
    const pid = Number(fs.readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The process exists and is not a zombie (a zombie holds no lock: its files are closed). */
function isLive(pid: number): boolean {
  if (!pidExists(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(pid, 0)
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Non-Linux fallback: an exclusive pid file, taken over when its pid no longer exists. */
async function acquirePidFile(lockPath: string, busy: (holder: string) => ForgeError): Promise<Lock> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        path: lockPath,
        release: () => {
          if (!released) fs.rmSync(lockPath, { force: true });
          released = true;
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && pidExists(holder)) throw busy(`PID ${holder}`);
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw busy('PID unknown');
}
