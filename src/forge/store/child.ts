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
  return startStoreChild().request<T>(request);
}

/** A child process started ahead of its one request (startStoreChild). */
export interface StoreChild {
  readonly pid: number | undefined;
  /** Sends the request and resolves with the answer once the child has exited; call at most once. */
  request<T>(request: StoreRequest): Promise<T>;
  /** Ends a child that was never given its request (no-op after request()). */
  dispose(): void;
}

/**
 * Starts the child now and sends its request later: the child loads DuckDB (~0.15 s of CPU, up to
 * 0.5 s of wall on a busy machine) while the caller works, so that a short search's final sync waits
 * only for the sync itself (bench/small-search.mjs). A child that died while it waited (Ctrl-C reaches
 * the whole process group) is replaced by a fresh one when the request comes.
 */
export function startStoreChild(): StoreChild {
  const entry = compiledPath(new URL('./child-entry.ts', import.meta.url));
  // execArgv []: profiling or preload flags of the parent are not the child's business.
  const child = fork(entry, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let reply: StoreReply | undefined;
  let stderr = '';
  let used = false;
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let settle: (() => void) | undefined;
  let failed: Error | undefined;
  // While it waits for its request the child does not keep this process alive: a caller that ends
  // without sending one (an error, a stop) exits as before, and the child leaves with the channel.
  const hold = (on: boolean) => {
    for (const h of [child, child.channel, child.stderr] as ({ ref(): void; unref(): void } | null | undefined)[])
      on ? h?.ref() : h?.unref();
  };
  hold(false);
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  child.on('message', (m: StoreReply) => {
    reply = m;
  });
  child.on('error', (err) => {
    failed = err;
    settle?.();
  });
  child.on('exit', (code, signal) => {
    ended = { code, signal };
    settle?.();
  });
  const answer = <T>(request: StoreRequest): T => {
    if (reply?.ok === true) return reply.result as T;
    if (reply?.ok === false) {
      const e = reply.error;
      throw e.code !== undefined
        ? new ForgeError(e.message, e.fix, e.code)
        : Object.assign(new Error(e.message), { stack: e.stack });
    }
    if (failed) throw failed;
    throw new Error(
      `the store's helper process (${request.op}, PID ${child.pid}) ended without an answer ` +
        `(${ended?.signal ?? `exit code ${ended?.code}`})${stderr ? `: ${stderr.trim()}` : ''}`,
    );
  };
  return {
    pid: child.pid,
    request<T>(request: StoreRequest): Promise<T> {
      if (used) throw new Error('a store child takes one request');
      used = true;
      // Died while it waited for the request: a fresh child does the work.
      if (ended !== undefined || failed !== undefined) return startStoreChild().request<T>(request);
      return new Promise<T>((resolve, reject) => {
        settle = () => {
          if (ended === undefined && failed === undefined) return;
          try {
            resolve(answer<T>(request));
          } catch (err) {
            reject(err);
          }
        };
        hold(true);
        child.send(request);
      });
    },
    dispose(): void {
      if (used || ended !== undefined) return;
      used = true;
      // The child leaves when its channel closes (child-entry.ts), as it does when the parent dies.
      if (child.connected) child.disconnect();
    },
  };
}
