import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ForgeError } from '../../engine/errors.js';
import type { ForgeHome } from '../home.js';
import { compiledPath } from '../pool/pool.js';
import { shareFeeds, type SharedDataset } from '../shared/columns.js';
import type { BuiltDataset } from './folder.js';
import { loadBuilt } from './load-built.js';
import { withCurrentBuild, type LoadOptions } from './load.js';
import type { Manifest } from './manifest.js';

// A built dataset straight into shared memory, decoded on a short-lived thread. Decoding Parquet
// allocates several times the data's size in garbage that a busy process never gives back (about
// 100 MB of RSS for the 140k-bar BTCUSDT_FULL_CYCLE); a thread's heap goes back to the system when
// the thread ends, and only the SharedArrayBuffers, which the search needs anyway, remain. A small
// build decodes on the calling thread instead: starting the thread and loading its modules cost more
// than the decoding (~0.1 s of a 20,000-bar search's start, bench/small-search.mjs), for a few MB of
// garbage.

/** Builds whose Parquet files hold fewer bytes than this decode on the calling thread (~130,000 BTC hourly bars). */
export const DECODE_HERE_BELOW = 4 * 1024 * 1024;

export interface SharedLoad {
  readonly manifest: Manifest;
  readonly shared: SharedDataset;
}

/** What the thread decodes: the build whose manifest this process already read and checked. */
export interface LoadRequest {
  readonly name: string;
  readonly built: BuiltDataset;
}

export type LoadReply =
  | { readonly ok: true; readonly value: SharedLoad }
  | {
      readonly ok: false;
      readonly message: string;
      readonly fix?: string;
      readonly code?: string;
      readonly forge: boolean;
    };

/**
 * loadDataset's path (manifest once, pin, content hash) with the decoding and shareFeeds on a thread of
 * its own, or here for a build of fewer than `decodeHereBelow` bytes.
 */
export function loadSharedDataset(
  home: ForgeHome,
  name: string,
  o: LoadOptions = {},
  decodeHereBelow = DECODE_HERE_BELOW,
): Promise<SharedLoad> {
  return withCurrentBuild(home, name, o, (built) =>
    parquetBytes(built) < decodeHereBelow ? decodeHere({ name, built }) : decodeOnThread({ name, built }),
  );
}

/** The build's Parquet files' size; a missing file counts 0 (the decoder names it). */
function parquetBytes({ manifest, dir }: BuiltDataset): number {
  let bytes = 0;
  for (const t of manifest.timeframes) {
    try {
      bytes += fs.statSync(path.join(dir, t.file)).size;
    } catch {}
  }
  return bytes;
}

async function decodeHere({ name, built }: LoadRequest): Promise<SharedLoad> {
  const d = await loadBuilt(name, built);
  return { manifest: d.manifest, shared: shareFeeds(d.manifest.name, d.manifest.hash, d.feeds) };
}

/** Errors arrive as they were thrown. */
async function decodeOnThread(request: LoadRequest): Promise<SharedLoad> {
  const worker = new Worker(compiledPath(new URL('./load-shared-worker.ts', import.meta.url)), {
    workerData: request,
  });
  try {
    const reply = await new Promise<LoadReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the dataset loader thread exited (${code}) before answering`)));
    });
    if (reply.ok) return reply.value;
    throw reply.forge ? new ForgeError(reply.message, reply.fix, reply.code) : new Error(reply.message);
  } finally {
    await worker.terminate();
  }
}
