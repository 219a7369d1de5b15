import type { EvalRecord } from '../eval/evaluator.js';
import type { GAState } from '../ga/optimizer.js';
import { StoreSync } from '../runs/store-sync.js';
import type { StoredRunConfig } from '../runs/types.js';
import { cpuNow } from './cpu.js';

// The store's side of a run: the snapshot the background sync (runs/store-sync.ts) copies into DuckDB,
// and the final flush, which a store held by another command may refuse without failing the run.

/** How long a finished search waits for a store another command holds before leaving its records for later. */
const STORE_WAIT_MS = 30_000;

/** The run's state and status as the store should record them now. */
export interface StoreView {
  readonly state: GAState<EvalRecord>;
  readonly status: string;
}

export function runStoreSync(
  storePath: string,
  stored: StoredRunConfig,
  evaluationsDir: string,
  now: () => StoreView,
): StoreSync {
  const { config } = stored;
  const run = {
    runId: stored.runId,
    kind: 'evolve' as const,
    dataset: stored.dataset.name,
    datasetHash: stored.dataset.hash,
    datasetSource: stored.dataset.source,
    seed: config.seed,
    config,
  };
  return new StoreSync(storePath, () => {
    const { state, status } = now();
    return {
      run,
      stats: state.stats,
      evaluationsDir,
      progress: { generationsDone: state.generation, status, bestFitness: state.bestFitness },
    };
  });
}

/**
 * Waits up to `waitMs` (default STORE_WAIT_MS) for the store to take the run's records; a store still
 * busy then is said with `warn` (the records are safe in the run folder and added when the run is next
 * opened). Returns its wall and CPU time, for the outcome's phases.
 */
export async function flushStore(
  sync: StoreSync,
  waitMs: number | undefined,
  warn: (message: string) => void,
  run: { readonly dir: string; readonly runId: string },
): Promise<{ ms: number; cpuMs: number }> {
  const syncStart = Date.now();
  const syncCpu = cpuNow();
  const r = await sync.flush(waitMs ?? STORE_WAIT_MS);
  const ms = Date.now() - syncStart;
  const cpuMs = cpuNow() - syncCpu;
  if (!r.ok)
    warn(
      `the store could not take this run's records yet (${r.reason}); they are safe in ${run.dir} ` +
        `and are added when the run is next opened (forge evolve --resume ${run.runId})`,
    );
  return { ms, cpuMs };
}
