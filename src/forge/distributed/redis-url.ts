import net from 'node:net';
import type { RedisOptions } from 'ioredis';
import { ForgeError } from '../../engine/errors.js';

// One Redis URL names the server every coordinator and worker of a search meets at:
// redis://[user:password@]host[:port][/db] or rediss://... for TLS. BullMQ needs
// maxRetriesPerRequest: null so a blocking worker connection waits through a Redis restart instead
// of failing its commands; ioredis reconnects on its own.

/** ioredis options whose retry strategy always retries (also what BullMQ's connection type accepts). */
export type ForgeRedisOptions = Omit<RedisOptions, 'retryStrategy'> & { retryStrategy: (times: number) => number };

export interface RedisTarget {
  readonly options: ForgeRedisOptions;
  /** The URL with its password hidden, for messages and logs. */
  readonly display: string;
}

const EXAMPLE = 'e.g. --redis redis://127.0.0.1:6379, redis://user:password@host:6379/0 or rediss://host:6380 (TLS)';

export function parseRedisUrl(url: string, option = '--redis'): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ForgeError(`${option} ${JSON.stringify(url)} is not a URL`, EXAMPLE, 'E_REDIS_URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new ForgeError(
      `${option} ${JSON.stringify(url)}: scheme '${u.protocol.slice(0, -1)}' is not redis or rediss`,
      EXAMPLE,
      'E_REDIS_URL',
    );
  }
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new ForgeError(
      `${option} ${JSON.stringify(hidePassword(u))}: database '${dbText}' is not a number >= 0`,
      EXAMPLE,
      'E_REDIS_URL',
    );
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const options: ForgeRedisOptions = {
    host,
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    // TLS checks the server's certificate against the system CAs (add yours with NODE_EXTRA_CA_CERTS);
    // SNI takes a host name only, never an address.
    ...(u.protocol === 'rediss:' ? { tls: net.isIP(host) ? {} : { servername: host } } : {}),
    maxRetriesPerRequest: null,
    // Reconnect quickly at first, then every 2 s, for as long as the process runs.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
  return { options, display: hidePassword(u) };
}

function hidePassword(u: URL): string {
  const c = new URL(u.href);
  if (c.password) c.password = '***';
  return c.href;
}
