import { Redis } from 'ioredis';
import { ForgeError } from '../../engine/errors.js';
import type { RedisTarget } from './redis-url.js';

// The URL's parsing is in redis-url.ts, which config and CLI checks import without loading ioredis.
export { parseRedisUrl, type ForgeRedisOptions, type RedisTarget } from './redis-url.js';

/** A plain client for forge's own keys (registry, heartbeats, dataset chunks). */
export function redisClient(target: RedisTarget): Redis {
  return new Redis({ ...target.options, lazyConnect: false });
}

/** Waits until `client` answers PING, or fails with a message naming the URL and the usual fixes. */
export async function checkReachable(client: Redis, target: RedisTarget, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let lastError = '';
  client.on('error', (err: Error) => (lastError = err.message));
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ForgeError(
            `Redis at ${target.display} did not answer within ${timeoutMs / 1000} s` +
              (lastError ? ` (${lastError})` : ''),
            'start redis-server there, open its port, and check the password in the URL',
            'E_REDIS_UNREACHABLE',
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.ping(), timeout]);
  } catch (err) {
    if (err instanceof ForgeError) throw err;
    throw new ForgeError(
      `Redis at ${target.display}: ${(err as Error).message}`,
      'check the user and password in the URL (redis://user:password@host:port)',
      'E_REDIS_AUTH',
    );
  } finally {
    clearTimeout(timer);
  }
}
