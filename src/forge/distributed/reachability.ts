import type { Redis } from 'ioredis';
import { ForgeError } from '../../engine/errors.js';

// With maxRetriesPerRequest: null (connection.ts) a command sent while Redis is down waits until it
// comes back, however long that takes: right for a run that should ride out a Redis restart, wrong
// for a process asked to stop. This tells how long a client has gone without Redis, so the stop
// paths of the worker and the coordinator can give up after a bound instead of waiting forever.

export interface Reachability {
  /** Epoch ms since which Redis has not answered (null while it does). */
  downSince(): number | null;
  /** The last connection error, for messages ('' if none). */
  lastError(): string;
  /** 'up' at Redis' first answer, 'gone' once it has not answered for `graceMs` (PINGing it meanwhile). */
  settle(graceMs: number): Promise<'up' | 'gone'>;
  /** Resolves once Redis has not answered for `graceMs`; never if it answers or `stopped()` turns true. */
  goneFor(graceMs: number, stopped: () => boolean): Promise<void>;
  dispose(): void;
}

/**
 * How long walk-forward and validate, which keep no checkpoint, wait for a Redis that stopped answering
 * before they give up (remote-jobs.ts: giveUpAfterMs): long enough to ride out a Redis restart, short
 * enough that a Redis gone for good ends the command within seconds, not never.
 */
export const NO_CHECKPOINT_GIVE_UP_MS = 10_000;

const PING_MS = 1000;
const POLL_MS = 250;

export function watchReachability(client: Redis): Reachability {
  let since: number | null = client.status === 'ready' ? null : Date.now();
  let error = '';
  const up = () => (since = null);
  const down = () => (since ??= Date.now());
  const onError = (err: Error) => {
    error = err.message;
    down();
  };
  client.on('ready', up);
  client.on('close', down);
  client.on('reconnecting', down);
  client.on('error', onError);

  /** A PING answered within PING_MS: a half-open connection (a machine gone, no RST) counts as down. */
  async function answers(): Promise<boolean> {
    if (client.status !== 'ready') return false;
    return (await within(client.ping(), PING_MS, 'late').catch(() => 'failed')) === 'PONG';
  }

  return {
    downSince: () => since,
    lastError: () => error,
    async settle(graceMs) {
      for (;;) {
        const asked = Date.now();
        if (await answers()) {
          since = null;
          return 'up';
        }
        since ??= asked;
        if (Date.now() - since >= graceMs) return 'gone';
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
    async goneFor(graceMs, stopped) {
      while (!stopped()) {
        const asked = Date.now();
        if (await answers()) since = null;
        else since ??= asked;
        if (since !== null && Date.now() - since >= graceMs) return;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      await new Promise<void>(() => undefined);
    },
    dispose() {
      client.off('ready', up);
      client.off('close', down);
      client.off('reconnecting', down);
      client.off('error', onError);
    },
  };
}

/**
 * With a `limit` (remote-jobs.ts: giveUpAfterMs): fails once Redis has not answered for that long (its
 * PINGs time out, so a machine gone without closing the connection counts too), naming the URL, the
 * cause and `resumeHint`, the command to run again. Without one, never fails. stop() ends the watch.
 */
export function giveUp(
  reach: Reachability,
  limit: number | undefined,
  display: string,
  resumeHint: string,
): { failed(when: () => string): Promise<never>; stop(): void } {
  let stopped = false;
  return {
    failed(when) {
      if (limit === undefined) return new Promise<never>(() => undefined);
      const failed = reach
        .goneFor(limit, () => stopped)
        .then((): never => {
          const why = reach.lastError() || 'no answer to PING';
          throw new ForgeError(
            `Redis at ${display} has not answered for ${limit / 1000} s (${why}): stopped ${when()}`,
            `start Redis (or check the URL), then run it again: ${resumeHint}`,
            'E_REDIS_UNREACHABLE',
          );
        });
      failed.catch(() => undefined);
      return failed;
    },
    stop: () => {
      stopped = true;
    },
  };
}

/** `p`, or `fallback` after `ms` (p keeps running; its rejection is swallowed). */
export async function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined);
  try {
    return await Promise.race([p, new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
