import { fork } from 'node:child_process';
import { ForgeError } from '../../engine/errors.js';
import { compiledPath } from '../pool/pool.js';
import type { DatasetDef } from '../datasets/catalog.js';
import type { GenerationStats } from '../ga/optimizer.js';
import type { RunProgress, RunRow } from '../runs/record.js';

// DuckDB work for a process that must not map DuckDB itself (a search: libduckdb is ~33 MiB of code,
// and each instance leaves allocator arenas behind that the search's RSS then carries for the rest of
// the run). The request runs in a short-lived child process (child-entry.ts) with a bounded DuckDB
// memory limit and one thread; its memory goes back to the OS when it exits. The store's own rules
// are unchanged: the child opens it like any forge command, so a busy store is E_STORE_LOCKED.

export type StoreRequest =
  | {
      /** Adds a run's generations from its run folder (runs/record.ts syncGenerations). */
      readonly op: 'sync-run';
      readonly storePath: string;
      readonly waitMs: number;
      readonly run: RunRow;
      readonly stats: readonly GenerationStats[];
      readonly evaluationsDir: string;
      readonly progress: RunProgress;
    }
  | {
      /** Counts a dataset's candles, real and synthetic (read-only). */
      readonly op: 'count-candles';
      readonly storePath: string;
      readonly def: DatasetDef;
    };

export type StoreReply =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: { message: string; fix?: string; code?: string; stack?: string } };

/** Runs `request` in a child process and returns its answer; the child has exited when this settles. */
export function inStoreChild<T>(request: StoreRequest): Promise<T> {
  const entry = compiledPath(new URL('./child-entry.ts', import.meta.url));
  return new Promise<T>((resolve, reject) => {
    // execArgv []: profiling or preload flags of the parent are not the child's business.
    const child = fork(entry, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let reply: StoreReply | undefined;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.on('message', (m: StoreReply) => {
      reply = m;
    });
    child.on('error', (err) => reject(err));
    child.on('exit', (code, signal) => {
      if (reply?.ok === true) resolve(reply.result as T);
      else if (reply?.ok === false) {
        const e = reply.error;
        reject(
          e.code !== undefined
            ? new ForgeError(e.message, e.fix, e.code)
            : Object.assign(new Error(e.message), { stack: e.stack }),
        );
      } else
        reject(
          new Error(
            `the store's helper process (${request.op}, PID ${child.pid}) ended without an answer ` +
              `(${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`,
          ),
        );
    });
    child.send(request);
  });
}
