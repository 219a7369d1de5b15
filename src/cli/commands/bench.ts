import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { parseBytes } from '../../forge/units.js';
import { ForgeError } from '../../engine/errors.js';
import { ANCHORS_DIR, anchorsPresent, type AnchorReport } from '../../forge/bench/anchors.js';
import { BENCH_BARS, BENCH_SEED } from '../../forge/bench/dataset.js';
import { timeParquetLoad } from '../../forge/bench/parquet-load.js';
import { csvFeed } from '../../forge/csv-feed.js';
import { MTF_LEVELS, selectLevels } from '../../forge/bench/levels.js';
import { PEER_CSV, PEER_PLAY } from '../../forge/bench/peer.js';
import { PROJECTION_CORES } from '../../forge/bench/project.js';
import { runBench, type BenchReport } from '../../forge/bench/suite.js';
import { defaultWorkers } from '../../forge/pool/pool.js';
import { makeContext, table, type CliContext } from '../output.js';

interface BenchArgs {
  home?: string;
  json?: boolean;
  quiet?: boolean;
  levels: string;
  mtf: boolean;
  workers?: string;
  evals: number;
  population: number;
  bars: number;
  'memory-bars': number;
  'feature-memory'?: string;
  'cold-runs': number;
  'warm-runs': number;
  peer: boolean;
  'peer-csv'?: string;
  'peer-passes': number;
  anchors?: string;
  parquet: boolean;
  seed: string;
}

/** The repository root (dist/cli/commands/ or src/cli/commands/ are three levels down). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe:
    'Hardware-scaling benchmark: ms per backtest by complexity level, ' +
    'evaluations/s by worker count, memory, the peer workload',
  builder: (y) =>
    y
      .option('levels', {
        type: 'string',
        default: '1-10',
        describe: "Complexity levels: '1-10', '5', '1,3,5', 'mtf', 'MTF-light'",
      })
      .option('mtf', {
        type: 'boolean',
        default: false,
        describe: 'Add the multi-timeframe variants (MTF light .. full)',
      })
      .option('workers', {
        type: 'string',
        describe: `Worker counts to measure, comma-separated (default: 1,${defaultWorkers()})`,
      })
      .option('evals', {
        type: 'number',
        default: 600,
        describe: 'Evaluations per level and worker count through the pool',
      })
      .option('population', {
        type: 'number',
        default: 150,
        describe: 'Evaluations per pool map call (a GA generation)',
      })
      .option('bars', { type: 'number', default: BENCH_BARS, describe: 'Synthetic 15m bars (140,000 = 4 years)' })
      .option('memory-bars', {
        type: 'number',
        default: 35_000,
        describe: 'Smaller dataset of the worker-memory-vs-bars check (0 skips it)',
      })
      .option('feature-memory', {
        type: 'string',
        describe: 'Budget of the shared feature store in the pool runs, e.g. 512MB (default: as forge evolve)',
      })
      .option('cold-runs', {
        type: 'number',
        default: 5,
        describe:
          'One-core cold backtests per level after the first (median reported; ' +
          'the first after start-up is reported apart as "first ms")',
      })
      .option('warm-runs', {
        type: 'number',
        default: 20,
        describe: 'One-core warm backtests per level (mean reported)',
      })
      .option('peer', {
        type: 'boolean',
        default: true,
        describe: 'Run the peer workload (SMA cross grid on BTCUSD 1h); --no-peer skips it',
      })
      .option('peer-csv', {
        type: 'string',
        describe: `The peer workload's candles (default ${PEER_CSV} from the repository root)`,
      })
      .option('peer-passes', { type: 'number', default: 10, describe: 'Timed passes over the 342-backtest grid' })
      .option('anchors', {
        type: 'string',
        describe:
          'Folder of the speed anchors run after the peer workload (numba_smacross.py, ' +
          `ts_smacross.mjs; default ${ANCHORS_DIR} from the repository root)`,
      })
      .option('parquet', {
        type: 'boolean',
        default: false,
        describe: 'Also build a Parquet dataset in a temp home and time loadDataset',
      })
      .option('seed', {
        type: 'string',
        default: BENCH_SEED,
        describe: 'Seed of the synthetic data and the random genomes',
      }),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const workers = parseWorkers(argv.workers);
    for (const [flag, v, min] of [
      ['--evals', argv.evals, 1],
      ['--population', argv.population, 1],
      ['--bars', argv.bars, 1000],
      ['--cold-runs', argv['cold-runs'], 1],
      ['--warm-runs', argv['warm-runs'], 1],
      ['--peer-passes', argv['peer-passes'], 1],
    ] as const) {
      if (!Number.isInteger(v) || v < min)
        throw new ForgeError(
          `${flag}: got ${v}, expected a whole number >= ${min}`,
          `give e.g. ${flag} ${Math.max(min, 10)}`,
          'E_ARG',
        );
    }
    if (!Number.isInteger(argv['memory-bars']) || argv['memory-bars'] < 0)
      throw new ForgeError(`--memory-bars: got ${argv['memory-bars']}`, 'give e.g. 35000, or 0 to skip', 'E_ARG');
    const levels = [...selectLevels(argv.levels), ...(argv.mtf ? MTF_LEVELS : [])].filter(
      (l, i, a) => a.indexOf(l) === i,
    );
    const peerCsv = argv['peer-csv'] ?? path.join(ROOT, PEER_CSV);
    let peer: Parameters<typeof runBench>[0]['peer'];
    if (argv.peer) {
      if (!fs.existsSync(peerCsv)) {
        if (argv['peer-csv'] !== undefined)
          throw new ForgeError(
            `--peer-csv: ${peerCsv} does not exist`,
            'give the path of BTCUSD_1h.csv, or --no-peer',
            'E_ARG',
          );
        ctx.warn(`peer workload skipped: ${peerCsv} not found (give --peer-csv FILE)`);
      } else {
        peer = {
          playText: fs.readFileSync(path.join(ROOT, PEER_PLAY), 'utf8'),
          feed: csvFeed(peerCsv, '1h', '--peer-csv'),
          passes: argv['peer-passes'],
          file: peerCsv,
          anchorsDir: anchorsDir(ctx, argv.anchors),
        };
      }
    }
    const report = await runBench({
      levels,
      workers,
      evals: argv.evals,
      population: argv.population,
      bars: argv.bars,
      memoryCheckBars: argv['memory-bars'],
      featureMemory:
        argv['feature-memory'] === undefined ? undefined : parseBytes(argv['feature-memory'], '--feature-memory'),
      coldRuns: argv['cold-runs'],
      warmRuns: argv['warm-runs'],
      seed: argv.seed,
      holdout: 0.2,
      peer,
      parquetLoad: argv.parquet ? () => timeParquetLoad(argv.seed) : undefined,
      progress: (m) => (ctx.json ? undefined : ctx.warn(`bench: ${m}`)),
    });
    const a = report.peer?.anchors;
    const failed = a ? [a.numba, a.ts].filter((x) => x.status === 'failed') : [];
    ctx.emit({ ok: failed.length === 0, ...report });
    print(ctx, report);
    // Every figure is printed first (a long run is not thrown away), but a broken anchor fails the command.
    if (failed.length > 0) {
      ctx.warn(
        `error: ${failed.length} speed anchor${failed.length > 1 ? 's' : ''} ` +
          `failed (see above); forge's own figures are complete`,
      );
      process.exitCode = 1;
    }
  },
};

/** The anchors folder: --anchors must exist; the default is skipped with a warning when absent. */
function anchorsDir(ctx: CliContext, given: string | undefined): string | undefined {
  const dir = path.resolve(given ?? path.join(ROOT, ANCHORS_DIR));
  if (anchorsPresent(dir)) return dir;
  if (given !== undefined)
    throw new ForgeError(
      `--anchors: ${dir} does not hold numba_smacross.py and ts_smacross.mjs`,
      'give the anchors folder (../shared/anchors)',
      'E_ARG',
    );
  ctx.warn(`speed anchors skipped: ${dir} not found (give --anchors DIR)`);
  return undefined;
}

function parseWorkers(text: string | undefined): number[] {
  if (text === undefined) return [...new Set([1, defaultWorkers()])];
  const ws = text.split(',').map((s) => Number(s.trim()));
  if (ws.length === 0 || ws.some((w) => !Number.isInteger(w) || w < 1 || w > 256)) {
    throw new ForgeError(`--workers: '${text}' is not a list of worker counts`, 'write e.g. --workers 1,2', 'E_ARG');
  }
  return [...new Set(ws)].sort((a, b) => a - b);
}

const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;

function duration(s: number): string {
  if (!Number.isFinite(s)) return '-';
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function print(ctx: CliContext, r: BenchReport): void {
  const m = r.machine;
  ctx.say(
    `forge bench, ${m.date.slice(0, 10)}: ${m.cores} cores (${m.cpu}), ` +
      `${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}, ${m.platform}; load average ` +
      `${m.loadAvgStart.map(r2).join(' ')} at start, ${m.loadAvgEnd.map(r2).join(' ')} at end`,
  );
  const d = r.dataset;
  ctx.say(
    `\nDataset: ${Object.entries(d.bars)
      .map(([tf, n]) => `${n.toLocaleString('en-US')} ${tf}`)
      .join(', ')} bars (synthetic, seeded); ${mb(d.sharedBytes)} MiB in shared memory`,
  );
  const parquet = d.parquet
    ? `; Parquet loadDataset (${d.parquet.bars.toLocaleString('en-US')} base bars, 4 files, hash checked): ` +
      `${r1(d.parquet.loadMs)} ms (median of 5, warm process)`
    : '';
  ctx.say(`  into shared memory (shareFeeds): ${r1(d.shareMs)} ms (median of ${d.shareMsRuns.length})${parquet}`);
  if (r.levels.length > 0) {
    const ws = r.levels[0].pool.map((p) => p.workers);
    ctx.say(
      `\nPer level (one backtest = one 140k-bar run of the default genome; first ms = the ` +
        `level's first cold backtest in this process; cold ms = median of the next ` +
        `${r.levels[0].single.coldRuns}, every feature computed again into reused feature memory as the pool's ` +
        'feature stage does (new-mem: into newly allocated arrays instead); pool = evolve evaluator, ' +
        'random genomes, 20 % holdout, timed after one untimed warm-up generation):',
    );
    ctx.say(
      table(
        [
          'level',
          'ind/str/tf',
          'first ms',
          'cold ms',
          'cold new-mem ms',
          'warm ms',
          'brief s/run',
          ...ws.map((w) => `evals/s @${w}`),
          ...ws.filter((w) => w > 1).map((w) => `eff @${w}`),
          'peak MiB/worker',
          'cache hit',
        ],
        r.levels.map((l) => [
          l.level.id,
          `${l.level.indicators}/${l.level.structures}/${l.level.timeframes}`,
          r2(l.single.firstMs),
          r2(l.single.coldMs),
          r2(l.single.coldNewMemoryMs),
          r2(l.single.warmMs),
          l.level.briefCpuS,
          ...l.pool.map((p) => r1(p.evalsPerSec)),
          ...l.pool.filter((p) => p.workers > 1).map((p) => `${Math.round(p.efficiency * 100)} %`),
          mb(Math.max(...l.pool.map((p) => p.peakWorkerBytes))),
          `${Math.round(l.pool[l.pool.length - 1].cacheHitRate * 100)} %`,
        ]),
      ),
    );
    ctx.say(
      '\nShared feature store in the pool runs (each feature computed ' +
        'once across the pool; the stage runs before each generation):',
    );
    ctx.say(
      table(
        [
          'level',
          'workers',
          'warm-up gen ms',
          'uses',
          'hit rate',
          'computed',
          'stage % of wall',
          'held MiB (peak)',
          'budget MiB',
          'evicted',
          'computed outside stage',
        ],
        r.levels.flatMap((l) =>
          l.pool.map((p) => [
            l.level.id,
            p.workers,
            r1((p as { warmupMs?: number }).warmupMs ?? 0),
            p.features.requests,
            `${Math.round(p.cacheHitRate * 100)} %`,
            p.features.computed,
            `${Math.round((p.featureMs / p.wallMs) * 100)} %`,
            mb(p.features.peakBytes),
            mb(p.features.budgetBytes),
            p.features.evictions,
            p.localComputes,
          ]),
        ),
      ),
    );
    ctx.say('\nWhere one cold backtest goes (ms): features (slowest three), rules, simulator, metrics:');
    ctx.say(
      table(
        ['level', 'features', 'slowest features', 'rules', 'simulate', 'metrics'],
        r.levels.map((l) => [
          l.level.id,
          r2(l.single.breakdown.featuresMs),
          l.single.breakdown.slowest.map((s) => `${s.key.split('|').slice(0, 2).join(' ')} ${r2(s.ms)}`).join('; '),
          r2(l.single.breakdown.rulesMs),
          r2(l.single.breakdown.simulateMs),
          r2(l.single.breakdown.metricsMs),
        ]),
      ),
    );
    ctx.say('\n10k backtests time (MEASURED rate on this machine; GA workload as above):');
    ctx.say(
      table(
        ['level', ...ws.map((w) => `${w} worker${w > 1 ? 's' : ''}`), ...ws.map((w) => `10k cold @${w}`)],
        r.levels.map((l) => [
          l.level.id,
          ...l.pool.map((p) => duration(p.tenKSeconds)),
          ...l.pool.map((p) =>
            duration((10_000 * l.single.coldMs) / 1000 / (p.workers * (p.workers > 1 ? p.efficiency : 1))),
          ),
        ]),
      ),
    );
    ctx.say(
      `\nPROJECTION (not measured): 10k evaluations at other core counts = 10,000 ` +
        `/ (1-worker rate x cores x efficiency at ${Math.max(...ws)} workers):`,
    );
    ctx.say(
      table(
        ['level', ...PROJECTION_CORES.map((c) => `${c} cores`)],
        r.levels.map((l) => [l.level.id, ...l.projection.map((p) => duration(p.tenKSeconds))]),
      ),
    );
    const two = r.levels
      .map((l) => ({
        id: l.level.id,
        a: l.pool.find((p) => p.workers === m.cores),
        b: l.pool.find((p) => p.workers === m.cores - 1),
      }))
      .filter((x) => x.a && x.b);
    if (two.length > 0)
      ctx.say(
        `\nCores vs cores-1 workers (${m.cores} vs ${m.cores - 1}): ` +
          `${two.map((x) => `${x.id} ${r1(x.a!.evalsPerSec)} vs ${r1(x.b!.evalsPerSec)} evals/s`).join('; ')}`,
      );
  }
  if (r.memoryCheck) {
    const c = r.memoryCheck;
    ctx.say(
      `\nWorker memory vs dataset size (${c.level}, ${c.workers} workers; per ` +
        `worker, this worker's heap + external only, shared candles excluded):`,
    );
    ctx.say(
      table(
        ['bars', 'after start-up MiB', 'peak MiB', 'of which feature cache MiB', 'peak minus cache MiB'],
        [c.small, c.large].map((x) => [x.bars, mb(x.baseline), mb(x.peak), mb(x.cache), mb(x.peak - x.cache)]),
      ),
    );
  }
  if (r.peer) {
    ctx.say(
      `\nPeer workload: SMA cross grid (342 backtests per pass) on ${r.peer.file}, ` +
        `${r.peer.results[0]?.bars.toLocaleString('en-US')} bars; target >= 5,000 backtests/s per worker:`,
    );
    ctx.say(
      table(
        ['workers', 'backtests', 'backtests/s', 'per worker/s', 'warm-up passes', 'warm-up ms', 'peak MiB/worker'],
        r.peer.results.map((p) => [
          p.workers,
          p.backtests,
          Math.round(p.backtestsPerSec),
          Math.round(p.perWorkerPerSec),
          p.warmupPasses,
          r1(p.firstPassMs),
          mb(p.peakWorkerBytes),
        ]),
      ),
    );
    if (r.peer.anchors) printAnchors(ctx, r.peer.anchors);
  }
}

const perSec = (x: number): string => `${Math.round(x).toLocaleString('en-US')}/s`;

function printAnchors(ctx: CliContext, a: AnchorReport): void {
  ctx.say(
    `\nSpeed anchors (${a.dir}), run right after forge's peer passes on the same CSV; ` +
      'ratio = forge per worker / anchor per core (target >= 1.0 against numba):',
  );
  const n = a.numba;
  if (n.status === 'ok') {
    ctx.say(
      `  numba anchor: ${perSec(n.equityMetrics.perSec)} per core with equity ` +
        `metrics (forge's workload); ${perSec(n.smasCached.perSec)} SMAs cached, ` +
        `trades only; ${perSec(n.smasPerBacktest.perSec)} SMAs per backtest`,
    );
  } else if (n.status === 'skipped') {
    ctx.say(`  numba anchor skipped: ${n.reason}`);
  } else {
    ctx.say(`  numba anchor FAILED (${n.command}): ${n.error}`);
  }
  const t = a.ts;
  if (t.status === 'ok')
    ctx.say(
      `  ts anchor: ${perSec(t.cached.perSec)} per core SMAs cached (no ` +
        `equity metrics); ${perSec(t.perBacktest.perSec)} SMAs per backtest`,
    );
  else if (t.status === 'failed') ctx.say(`  ts anchor FAILED (${t.command}): ${t.error}`);
  for (const x of a.ratios) {
    const parts = [
      x.vsNumba !== undefined ? `${r2(x.vsNumba)}x numba` : undefined,
      x.vsTs !== undefined ? `${r2(x.vsTs)}x ts` : undefined,
    ].filter(Boolean);
    ctx.say(
      `  forge @${x.workers} worker${x.workers > 1 ? 's' : ''}: ${perSec(x.perWorkerPerSec)} per ` +
        `worker${parts.length ? ` = ${parts.join(', ')}` : ' (no anchor figure to compare)'}`,
    );
  }
}
