import os from 'node:os';
import type { Feed } from '../../engine/types.js';
import { sharedBytes, shareFeeds } from '../shared/columns.js';
import { runAnchors, type AnchorReport } from './anchors.js';
import { benchFeeds } from './dataset.js';
import { levelPlayText, type LevelSpec } from './levels.js';
import { measurePeer, type PeerResult } from './peer.js';
import { measurePool, randomGenomes, type PoolRunResult } from './pool-run.js';
import { project, scaling, type Projection } from './project.js';
import { measureSingleCore, type SingleCoreResult } from './single.js';

// `forge bench` without the printing: the machine, the dataset into shared memory, and per level the
// one-core cold/warm figures and the pool at each worker count; then the memory-vs-bars check and the
// peer workload. Every figure is measured here; projections are computed from them and labelled.

export interface BenchOptions {
  readonly levels: readonly LevelSpec[];
  readonly workers: readonly number[];
  /** Evaluations per level and worker count through the pool. */
  readonly evals: number;
  readonly population: number;
  readonly bars: number;
  /** The smaller dataset of the memory check (0 = skip the check). */
  readonly memoryCheckBars: number;
  /** Budget of the shared feature store in the pool runs (default: the evaluation pool's). */
  readonly featureMemory?: number;
  readonly coldRuns: number;
  readonly warmRuns: number;
  readonly seed: string;
  readonly holdout: number;
  /** The peer workload; with `anchorsDir`, the anchors run on the same CSV right after forge's passes. */
  readonly peer?: {
    readonly playText: string;
    readonly feed: Feed;
    readonly passes: number;
    readonly file: string;
    readonly anchorsDir?: string;
    readonly python?: string;
  };
  /** A Parquet load to time (built elsewhere, e.g. in a temp home): returns its ms and bars. */
  readonly parquetLoad?: () => Promise<{ loadMs: number; bars: number; coldProcess: boolean }>;
  readonly progress?: (msg: string) => void;
}

export interface MachineInfo {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  readonly loadAvgStart: number[];
  loadAvgEnd: number[];
}

export interface LevelResult {
  readonly level: LevelSpec;
  readonly single: SingleCoreResult;
  readonly pool: readonly (PoolRunResult & {
    readonly speedup: number;
    readonly efficiency: number;
    readonly tenKSeconds: number;
  })[];
  /** PROJECTION, not measured: 10k evaluations at other core counts. */
  readonly projection: readonly Projection[];
  readonly loadAvg: number;
}

export interface BenchReport {
  readonly machine: MachineInfo;
  readonly dataset: {
    readonly bars: Record<string, number>;
    readonly sharedBytes: number;
    readonly shareMs: number;
    readonly shareMsRuns: number[];
    readonly parquet?: { loadMs: number; bars: number; coldProcess: boolean };
  };
  readonly levels: LevelResult[];
  readonly memoryCheck?: {
    readonly level: string;
    readonly workers: number;
    readonly small: { bars: number; baseline: number; peak: number; cache: number };
    readonly large: { bars: number; baseline: number; peak: number; cache: number };
  };
  readonly peer?: { readonly file: string; readonly results: PeerResult[]; readonly anchors?: AnchorReport };
}

export function machineInfo(): MachineInfo {
  return {
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAvgStart: os.loadavg(),
    loadAvgEnd: [],
  };
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const say = o.progress ?? (() => {});
  const machine = machineInfo();
  say(`dataset: ${o.bars.toLocaleString('en-US')} synthetic 15m bars + 1h/4h/1d`);
  const feeds = benchFeeds(o.bars, o.seed);
  const shareMsRuns: number[] = [];
  let shared = shareFeeds('bench', o.seed, feeds);
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    shared = shareFeeds('bench', o.seed, feeds);
    shareMsRuns.push(performance.now() - t0);
  }
  const parquet = o.parquetLoad ? await o.parquetLoad() : undefined;
  const dataset = {
    bars: Object.fromEntries(Object.entries(feeds).map(([tf, f]) => [tf, f.length])),
    sharedBytes: sharedBytes(shared),
    shareMs: [...shareMsRuns].sort((a, b) => a - b)[2],
    shareMsRuns,
    parquet,
  };

  const levels: LevelResult[] = [];
  for (const level of o.levels) {
    const text = levelPlayText(level);
    say(`${level.id}: one core, cold and warm`);
    const single = measureSingleCore(text, feeds, { coldRuns: o.coldRuns, warmRuns: o.warmRuns });
    const genomes = randomGenomes(text, o.evals, `${o.seed}:${level.id}`);
    const runs: PoolRunResult[] = [];
    for (const w of o.workers) {
      say(`${level.id}: ${o.evals} evaluations on ${w} worker${w > 1 ? 's' : ''}`);
      // One untimed generation of other genomes first: threads started and their JIT warm, as in every
      // generation of a real search after the first (the main thread running @1 is already warm).
      const warm = randomGenomes(text, o.population, `${o.seed}:${level.id}:warm`);
      runs.push(
        await measurePool(
          text,
          shared,
          genomes,
          {
            workers: w,
            population: o.population,
            holdout: o.holdout,
            cacheBytes: 32 * 1024 * 1024,
            featureMemory: o.featureMemory,
          },
          warm,
        ),
      );
    }
    const one = runs.find((r) => r.workers === 1)?.evalsPerSec ?? runs[0].evalsPerSec / runs[0].workers;
    const pool = runs.map((r) => ({
      ...r,
      ...scaling(r.evalsPerSec, one, r.workers),
      tenKSeconds: 10_000 / r.evalsPerSec,
    }));
    const widest = pool.reduce((a, b) => (b.workers > a.workers ? b : a));
    levels.push({
      level,
      single,
      pool,
      projection: project(one, widest.workers > 1 ? widest.efficiency : 1),
      loadAvg: os.loadavg()[0],
    });
  }

  let memoryCheck: BenchReport['memoryCheck'];
  if (o.memoryCheckBars > 0 && o.levels.length > 0) {
    const level = o.levels.find((l) => l.id === 'L5') ?? o.levels[0];
    const w = Math.max(...o.workers);
    const text = levelPlayText(level);
    const genomes = randomGenomes(text, Math.min(o.evals, 300), `${o.seed}:mem`);
    const at = async (bars: number, ds: typeof shared) => {
      say(`memory check: ${level.id} on ${bars.toLocaleString('en-US')} bars, ${w} workers`);
      const r = await measurePool(text, ds, genomes, {
        workers: w,
        population: o.population,
        holdout: o.holdout,
        cacheBytes: 32 * 1024 * 1024,
        featureMemory: o.featureMemory,
        // Worker threads only: the main thread's heap (the whole bench) would hide a worker's.
        threadsOnly: true,
      });
      return { bars, baseline: r.baselineWorkerBytes, peak: r.peakWorkerBytes, cache: r.peakCacheBytes };
    };
    const small = await at(o.memoryCheckBars, shareFeeds('small', o.seed, benchFeeds(o.memoryCheckBars, o.seed)));
    const large = await at(o.bars, shared);
    memoryCheck = { level: level.id, workers: w, small, large };
  }

  let peer: BenchReport['peer'];
  if (o.peer) {
    const results: PeerResult[] = [];
    for (const w of o.workers) {
      say(`peer workload: ${o.peer.passes} passes of the grid on ${w} worker${w > 1 ? 's' : ''}`);
      results.push(await measurePeer(o.peer.playText, o.peer.feed, w, o.peer.passes));
    }
    // Right after forge's passes, one program at a time: the ratio is only fair within the same minutes.
    const anchors =
      o.peer.anchorsDir === undefined
        ? undefined
        : await runAnchors(o.peer.anchorsDir, o.peer.file, results, { python: o.peer.python, progress: say });
    peer = { file: o.peer.file, results, anchors };
  }
  machine.loadAvgEnd = os.loadavg();
  return { machine, dataset, levels, memoryCheck, peer };
}
