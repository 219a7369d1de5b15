import { parentPort, workerData } from 'node:worker_threads';
import { ForgeError } from '../../engine/errors.js';
import { shareFeeds } from '../shared/columns.js';
import { loadBuilt } from './load-built.js';
import type { LoadReply, LoadRequest } from './load-shared.js';

// The thread behind loadSharedDataset: decode, hash-check, copy into shared memory, answer, end.

const { name, built } = workerData as LoadRequest;
let reply: LoadReply;
try {
  const d = await loadBuilt(name, built);
  reply = { ok: true, value: { manifest: d.manifest, shared: shareFeeds(d.manifest.name, d.manifest.hash, d.feeds) } };
} catch (err) {
  reply =
    err instanceof ForgeError
      ? { ok: false, message: err.message, fix: err.fix, code: err.code, forge: true }
      : { ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err), forge: false };
}
parentPort!.postMessage(reply);
