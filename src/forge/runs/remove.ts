import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { acquireLock } from '../lock.js';
import { openStoreWaiting } from '../store/store.js';
import { runPaths } from './run-folder.js';

// `forge runs rm`: a run's store rows and its folder go together. The run's lock is held throughout,
// so a live run is refused and none can start on the folder meanwhile. The store rows go first in one
// transaction (a failure leaves everything as it was); the folder is then renamed aside in one step
// and deleted, so it is never seen half-removed under its own name.

/** Every table that holds rows of a run. */
const RUN_TABLES = [
  'runs',
  'generations',
  'evaluations',
  'walkforward_windows',
  'walkforward_summary',
  'validations',
  'multiple_testing',
  'validated_plays',
];

export interface RemoveResult {
  readonly id: string;
  readonly dir: string;
  /** Rows deleted per table. */
  readonly rows: Record<string, number>;
}

export async function removeRun(runsDir: string, storePath: string, id: string): Promise<RemoveResult> {
  const p = runPaths(runsDir, id);
  const lock = await acquireLock(
    p.lockPath,
    (holder) =>
      new ForgeError(
        `run ${id} is live: another forge process (${holder}) is running it`,
        'stop it first (Ctrl-C), then remove it',
        'E_RUN_LOCKED',
      ),
  );
  const rows: Record<string, number> = {};
  try {
    if (fs.existsSync(storePath)) {
      const store = await openStoreWaiting(storePath);
      try {
        const have = new Set(
          (await store.all<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables`)).map((r) => r.t),
        );
        await store.transaction(async (s) => {
          for (const t of RUN_TABLES.filter((x) => have.has(x))) {
            const n = await s.all<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${t} WHERE run_id = $1`, [
              id,
            ]);
            await s.run(`DELETE FROM ${t} WHERE run_id = $1`, [id]);
            rows[t] = n[0].n;
          }
        });
      } finally {
        store.close();
      }
    }
    const aside = path.join(runsDir, `.removing-${id}-${process.pid}`);
    fs.renameSync(p.dir, aside);
    fs.rmSync(aside, { recursive: true, force: true });
  } finally {
    lock.release();
  }
  return { id, dir: p.dir, rows };
}
