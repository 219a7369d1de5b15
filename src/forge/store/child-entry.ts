import { ForgeError } from '../../engine/errors.js';
import type { StoreReply, StoreRequest } from './child.js';
import { CandleStore, openStoreWaiting, type OpenStoreOptions } from './store.js';

// The child process of child.ts: one request, one answer, exit. Each request opens the store itself
// (waiting up to `waitMs` for another writer) and closes it before answering, so the lock is free once
// the parent hears back. If the parent goes away (killed), the child leaves too: an uncommitted
// transaction is rolled back by DuckDB, and the run folder, the source of truth, is untouched.

/** Bounded, so a long run's catch-up cannot take GBs (DuckDB's default limit is 80 % of RAM). */
const SETTINGS: OpenStoreOptions['settings'] = { memory_limit: '256MB', threads: '1' };

async function handle(req: StoreRequest): Promise<unknown> {
  if (req.op === 'sync-run') {
    const { syncGenerations } = await import('../runs/record.js');
    const { generationParquet } = await import('../runs/generation-file.js');
    const store =
      req.waitMs > 0
        ? await openStoreWaiting(req.storePath, req.waitMs, { settings: SETTINGS })
        : await CandleStore.open(req.storePath, { settings: SETTINGS });
    try {
      return await syncGenerations(
        store,
        req.run,
        req.stats,
        (g) => generationParquet(req.evaluationsDir, g),
        req.progress,
      );
    } finally {
      store.close();
    }
  }
  const { countCandles } = await import('../datasets/counts.js');
  const store = await CandleStore.open(req.storePath, { readOnly: true, settings: SETTINGS });
  try {
    return await countCandles(store, req.def);
  } finally {
    store.close();
  }
}

// libduckdb loads now, while the parent may not have sent the request yet (store-sync.ts starts its
// first child ahead of it): CandleStore.open then finds it loaded. Its failure is open's to report.
import('@duckdb/node-api').catch(() => {});

process.on('disconnect', () => process.exit(0));
process.once('message', (req: StoreRequest) => {
  handle(req)
    .then(
      (result): StoreReply => ({ ok: true, result }),
      (err: unknown): StoreReply => {
        const e = err instanceof Error ? err : new Error(String(err));
        return {
          ok: false,
          error:
            e instanceof ForgeError
              ? { message: e.message, fix: e.fix, code: e.code }
              : { message: e.message, stack: e.stack },
        };
      },
    )
    .then((reply) => {
      process.send?.(reply, () => process.disconnect());
    });
});
