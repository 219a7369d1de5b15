import type { Redis } from 'ioredis';
import { HEARTBEAT_TTL_MS, PREFIX, WORKER_KEY } from './wire.js';

// Each worker refreshes a small key every second that expires after a few: the coordinator lists
// the live ones (no clocks compared across machines) to say who is connected and at what rate.

export interface WorkerBeat {
  readonly name: string;
  readonly threads: number;
  readonly evaluations: number;
  /** Evaluations per second of busy time over the worker's life. */
  readonly evalsPerSec: number;
}

export async function beat(redis: Redis, w: WorkerBeat): Promise<void> {
  await redis.set(WORKER_KEY(w.name), JSON.stringify(w), 'PX', HEARTBEAT_TTL_MS);
}

export async function liveWorkers(redis: Redis): Promise<WorkerBeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${PREFIX}:worker:*`, 'COUNT', 100);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values
    .filter((v): v is string => v !== null)
    .map((v) => JSON.parse(v) as WorkerBeat)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const workersLine = (ws: readonly WorkerBeat[]): string =>
  `${ws.length} connected: ` +
  ws
    .map((w) => `${w.name} (${w.threads} thread${w.threads > 1 ? 's' : ''}, ${w.evalsPerSec.toFixed(0)} evals/s)`)
    .join(', ');
