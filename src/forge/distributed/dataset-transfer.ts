import { tableFromIPC, tableToIPC } from 'apache-arrow';
import type { Redis } from 'ioredis';
import { ForgeError } from '../../engine/errors.js';
import { datasetDir, readBuilt } from '../datasets/folder.js';
import { loadSharedDataset } from '../datasets/load-shared.js';
import { contentHash, type Columns } from '../datasets/manifest.js';
import type { ForgeHome } from '../home.js';
import { COLUMNS, shareFeeds, type SharedDataset } from '../shared/columns.js';
import { arrowTable } from './arrow-table.js';
import { PREFIX, type DatasetKey } from './wire.js';

// A worker gets a job's dataset by content hash: from its own home when it holds a build with that
// hash, else from the coordinator through Redis as Arrow IPC bytes (one stream per timeframe) in
// 1 MiB chunks. Either way the columns are hashed again and compared before use: a dataset whose
// hash does not verify is refused, and the job fails with the reason.

const CHUNK = 1024 * 1024;
/** Chunks outlive a crashed coordinator a day at most. */
const TTL_S = 24 * 3600;
const metaKey = (hash: string) => `${PREFIX}:dataset:${hash}`;
const chunkKey = (hash: string, i: number) => `${PREFIX}:dataset:${hash}:${i}`;

interface TransferMeta {
  readonly name: string;
  readonly hash: string;
  readonly chunks: number;
  readonly timeframes: readonly { readonly tf: string; readonly tfMs: number; readonly bytes: number }[];
}

/** Puts a dataset in Redis once per content hash (a second coordinator of the same data reuses it). */
export async function publishDataset(redis: Redis, d: SharedDataset): Promise<void> {
  if ((await redis.exists(metaKey(d.contentHash))) === 1) {
    await redis.expire(metaKey(d.contentHash), TTL_S);
    return;
  }
  const streams = d.timeframes.map((st) => tableToIPC(arrowTable(st), 'stream'));
  const all = Buffer.concat(streams);
  const chunks = Math.ceil(all.length / CHUNK);
  const tx = redis.multi();
  for (let i = 0; i < chunks; i++)
    tx.set(chunkKey(d.contentHash, i), all.subarray(i * CHUNK, (i + 1) * CHUNK), 'EX', TTL_S);
  const meta: TransferMeta = {
    name: d.name,
    hash: d.contentHash,
    chunks,
    timeframes: d.timeframes.map((st, i) => ({ tf: st.tf, tfMs: st.tfMs, bytes: streams[i].length })),
  };
  // The meta key last: a worker that sees it finds every chunk.
  tx.set(metaKey(d.contentHash), JSON.stringify(meta), 'EX', TTL_S);
  await tx.exec();
}

/** Where a worker found a dataset, for its log. */
export type DatasetSource = 'home' | 'redis';

/** The dataset with this content hash, verified; `refused` names the datasets whose hash did not verify. */
export async function obtainDataset(
  redis: Redis,
  home: ForgeHome | null,
  key: DatasetKey,
): Promise<{ shared: SharedDataset; source: DatasetSource }> {
  if (home !== null && homeHash(home, key.name) === key.hash) {
    const loaded = await loadSharedDataset(home, key.name); // hash-checked by the loader
    if (loaded.manifest.hash === key.hash) return { shared: loaded.shared, source: 'home' };
  }
  const metaText = await redis.get(metaKey(key.hash));
  if (metaText === null) {
    throw new ForgeError(
      `dataset ${key.name} (${key.hash.slice(0, 12)}) is neither in this worker's home nor in Redis`,
      'the coordinator publishes it when a run starts; ' +
        'restart the coordinator with --resume, or build the dataset on this machine',
      'E_DATASET_MISSING',
    );
  }
  const meta = JSON.parse(metaText) as TransferMeta;
  const parts: Buffer[] = [];
  for (let i = 0; i < meta.chunks; i++) {
    const part = await redis.getBuffer(chunkKey(key.hash, i));
    if (part === null)
      throw new ForgeError(
        `dataset ${key.name}: chunk ${i} of ${meta.chunks} is gone from Redis`,
        'restart the coordinator with --resume to publish it again',
        'E_DATASET_MISSING',
      );
    parts.push(part);
  }
  const all = Buffer.concat(parts);
  const feeds: Record<string, { tf: string; tfMs: number; length: number } & Columns> = {};
  const hashParts: { tf: string; columns: Columns }[] = [];
  let at = 0;
  for (const t of meta.timeframes) {
    const table = tableFromIPC(all.subarray(at, at + t.bytes));
    at += t.bytes;
    const col = (c: (typeof COLUMNS)[number]) => Float64Array.from(table.getChild(c)?.toArray() ?? []);
    const columns = Object.fromEntries(COLUMNS.map((c) => [c, col(c)])) as unknown as Columns;
    hashParts.push({ tf: t.tf, columns });
    feeds[t.tf] = { tf: t.tf, tfMs: t.tfMs, length: columns.time.length, ...columns };
  }
  const got = contentHash(hashParts);
  if (got !== key.hash) {
    throw new ForgeError(
      `REFUSED dataset ${key.name}: the bytes from Redis hash to ${got.slice(0, 12)}, ` +
        `the job expects ${key.hash.slice(0, 12)}; not evaluating on unverified data`,
      `delete the damaged copy (redis-cli DEL ${metaKey(key.hash)}) and restart the coordinator with --resume`,
      'E_DATASET_HASH',
    );
  }
  return { shared: shareFeeds(key.name, key.hash, feeds), source: 'redis' };
}

function homeHash(home: ForgeHome, name: string): string | null {
  try {
    return readBuilt(datasetDir(home, name))?.manifest.hash ?? null;
  } catch {
    return null; // a damaged or foreign folder: take the dataset from Redis instead
  }
}
