import type { Feed } from '../../engine/types.js';
import { shareFeeds } from '../shared/columns.js';
import { measurePool } from './pool-run.js';

// The fixed peer workload (issue 5): SMA(fast) crossing SMA(slow), close and reverse, on BTCUSD 1h,
// over the full grid fast 5..50 x slow 20..200, step 5, fast < slow: 342 backtests per pass. Each
// worker computes an SMA once and keeps it in its feature cache (the "SMA once per window" setting of
// the compiled reference). Kept stable: it is what forge is compared with.

export const PEER_PLAY = 'configs/plays/peer_sma_cross.yaml';
export const PEER_CSV = '../shared/data/BTCUSD_1h.csv';

/** [fast, slow] genomes of the grid, in the peer play's gene order. */
export function peerGrid(): number[][] {
  const out: number[][] = [];
  for (let fast = 5; fast <= 50; fast += 5)
    for (let slow = 20; slow <= 200; slow += 5) if (fast < slow) out.push([fast, slow]);
  return out;
}

export interface PeerResult {
  readonly workers: number;
  readonly bars: number;
  readonly gridSize: number;
  readonly passes: number;
  readonly backtests: number;
  readonly wallMs: number;
  readonly backtestsPerSec: number;
  readonly perWorkerPerSec: number;
  /** Untimed passes of the grid before timing (threads start, JIT settles, every SMA computed once per worker). */
  readonly warmupPasses: number;
  /** Their wall time. */
  readonly firstPassMs: number;
  readonly peakWorkerBytes: number;
}

/**
 * Untimed passes per worker before timing. Each worker's isolate compiles its own optimised code; on
 * this workload TurboFan is still (re)compiling the play-resolution path for about 6 passes' worth of
 * backtests per thread. With one pass of warm-up split over 2 workers on 2 cores, that compilation
 * (V8 background threads, 0.3-0.6 s of CPU) ran inside the timed window and took about a quarter of
 * the cores from the workers (bench/RESULTS.md, "Pool scaling and the last 10 %"). A GA run lasts
 * minutes, so the steady state is the figure to compare; the warm-up's wall time is reported beside it.
 */
export const PEER_WARMUP_PASSES_PER_WORKER = 8;

export async function measurePeer(
  playText: string,
  feed: Feed,
  workers: number,
  passes: number,
  warmupPasses = PEER_WARMUP_PASSES_PER_WORKER * workers,
): Promise<PeerResult> {
  const grid = peerGrid();
  const shared = shareFeeds('peer', 'peer', { [feed.tf]: feed });
  const genomes = Array.from({ length: passes }, () => grid).flat();
  const warmup = Array.from({ length: Math.max(1, warmupPasses) }, () => grid).flat();
  const r = await measurePool(
    playText,
    shared,
    genomes,
    { workers, population: genomes.length, holdout: 0, cacheBytes: 256 * 1024 * 1024 },
    warmup,
  );
  if (r.failed > 0) throw new Error(`bug: ${r.failed} peer backtests failed`);
  return {
    workers,
    bars: feed.length,
    gridSize: grid.length,
    passes,
    backtests: genomes.length,
    wallMs: r.wallMs,
    backtestsPerSec: r.evalsPerSec,
    perWorkerPerSec: r.evalsPerSec / workers,
    warmupPasses: Math.max(1, warmupPasses),
    firstPassMs: r.warmupMs,
    peakWorkerBytes: r.peakWorkerBytes,
  };
}
