import fs from 'node:fs';
import { ForgeError } from '../../engine/errors.js';
import type { GenerationStats } from '../ga/optimizer.js';
import { startStoreChild, type StoreChild } from '../store/child.js';
import { generationParquet } from './generation-file.js';
import type { RunProgress, RunRow } from './record.js';

// A search records into its run folder as it goes and the store catches up in the background:
// at most one sync at a time, at most one every `intervalMs`, never awaited by the search, and a
// store held by another command (an import) is simply tried again later. The search's speed and
// survival never depend on the store; its final flush waits a while for the store and, if it is
// still busy, leaves the rest for the next command that syncs this run.
//
// Each sync runs in a short-lived child process (store/child.ts): the search's process never maps
// DuckDB, so neither libduckdb's code nor the arenas of an instance opened every 5 s stay in its RSS,
// and a long run's catch-up is bounded by the child's DuckDB memory limit. A child costs ~0.4 s of
// CPU (loading libduckdb alone is 0.36 s), so it runs at most every 20 s, the first 20 s after the
// start: a search of a few seconds pays only its final flush. The first child is started with the
// StoreSync and waits for its request, so its DuckDB loads during the search, not after it (a
// 1,500-evaluation search waited ~0.3 s for it at its end, bench/small-search.mjs).

export interface SyncSnapshot {
  readonly run: RunRow;
  readonly stats: readonly GenerationStats[];
  /** The run folder's per-generation Parquet files (runs/generation-file.ts generationParquet). */
  readonly evaluationsDir: string;
  readonly progress: RunProgress;
}

export type FlushResult =
  | { readonly ok: true; readonly added: number }
  | { readonly ok: false; readonly reason: string };

export class StoreSync {
  private inFlight: Promise<void> | null = null;
  private lastStart = performance.now();
  private lastError: Error | null = null;
  /** Statistics entries a sync has taken: later syncs send only the ones after (a long run has 10^5). */
  private synced = 0;
  added = 0;
  /** Started ahead of its request (see the header); used by the first sync, poke or flush. */
  private warm: StoreChild | null;

  constructor(
    private readonly storePath: string,
    private readonly snapshot: () => SyncSnapshot,
    private readonly intervalMs = 20_000,
  ) {
    this.warm = startStoreChild();
  }

  /** Ends the waiting child if no sync used it (a run that failed before its flush). */
  dispose(): void {
    this.warm?.dispose();
    this.warm = null;
  }

  /** Starts a background sync when none runs and the last started long enough ago. Never throws. */
  poke(): void {
    if (this.inFlight !== null || performance.now() - this.lastStart < this.intervalMs) return;
    this.lastStart = performance.now();
    const snap = this.snapshot();
    this.inFlight = this.once(snap, 0)
      .then((n) => {
        this.added += n;
        this.lastError = null;
      })
      .catch((err: unknown) => {
        // Locked: another command writes; try again at a later poke. Anything else is kept for flush.
        if (!(err instanceof ForgeError && err.code === 'E_STORE_LOCKED'))
          this.lastError = err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  /** Waits for a running sync, then syncs everything, waiting up to `waitMs` for a busy store. */
  async flush(waitMs: number): Promise<FlushResult> {
    await this.inFlight;
    try {
      this.added += await this.once(this.snapshot(), waitMs);
      return { ok: true, added: this.added };
    } catch (err) {
      const e = this.lastError ?? (err instanceof Error ? err : new Error(String(err)));
      return { ok: false, reason: e.message };
    }
  }

  private async once(snap: SyncSnapshot, waitMs: number): Promise<number> {
    const child = this.warm ?? startStoreChild();
    this.warm = null;
    const stats = snap.stats.slice(this.synced);
    // The search's statistics run ahead of the writer: entries whose Parquet file is not written yet are
    // skipped by this sync (syncGenerations), so the next one must send them again.
    let through = this.synced;
    while (
      through < snap.stats.length &&
      fs.existsSync(generationParquet(snap.evaluationsDir, snap.stats[through].generation))
    )
      through++;
    const n = await child.request<number>({ op: 'sync-run', storePath: this.storePath, waitMs, ...snap, stats });
    this.synced = through;
    return n;
  }
}
