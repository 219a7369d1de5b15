import fs from 'node:fs';
import type { CommandModule } from 'yargs';
import { ForgeError } from '../../engine/errors.js';
import path from 'node:path';
import { defaultGenome, describeGenome, genomeFromValues, parsePlay, resolvePlay, runPlay, type Play, type PlayRun } from '../../engine/play/index.js';
import type { HallOfFameEntry, StoredRunConfig } from '../../forge/runs/types.js';
import { assertStoredRunId, runIdArgument, runPaths } from '../../forge/runs/run-folder.js';
import { loadPlay } from '../../forge/plays.js';
import type { Metrics } from '../../engine/metrics/metrics.js';
import { timeframeMs } from '../../engine/timeframe.js';
import type { Feed } from '../../engine/types.js';
import { writeFileAtomic } from '../../forge/atomic.js';
import { labelGenes } from '../../forge/report/labels.js';
import { loadDataset } from '../../forge/datasets/load.js';
import { forgeHome } from '../../forge/home.js';
import { parseCandleCsv } from '../../forge/store/csv.js';
import { badRowsError, checkRows, isoUtc } from '../../forge/store/rows.js';
import { parseIsoUtc } from '../../forge/store/timestamps.js';
import { makeContext, table, type CliContext } from '../output.js';

interface BacktestArgs {
  home?: string;
  json?: boolean;
  quiet?: boolean;
  play?: string;
  run?: string;
  rank: number;
  dataset?: string;
  csv?: string;
  cash?: number;
  from?: string;
  to?: string;
  genes?: string;
  'trades-csv'?: string;
  'equity-csv'?: string;
}

/** Metrics that are fractions, shown as percentages in the table. */
const PERCENT = new Set<keyof Metrics>([
  'totalReturn', 'returnAnn', 'cagr', 'volatilityAnn', 'maxDrawdown', 'avgDrawdown', 'winRate',
  'bestTrade', 'worstTrade', 'avgTradeReturn', 'expectancy', 'exposure', 'buyHoldReturn',
]);

const EXIT_REASONS = ['signal', 'opposite', 'stop_loss', 'take_profit', 'trailing_stop', 'time_stop', 'end_of_data', 'liquidation'];

export const backtestCommand: CommandModule<object, BacktestArgs> = {
  command: 'backtest',
  describe: 'Backtest one play on a built dataset or a CSV file and print its metrics',
  builder: (y) =>
    y
      .option('play', { type: 'string', describe: 'Play file (YAML), e.g. configs/plays/sma_cross_reversal.yaml' })
      .option('run', { type: 'string', describe: "An evolve run's id: backtest its hall-of-fame play (its play text, genes and dataset)" })
      .option('rank', { type: 'number', default: 1, describe: 'With --run: which hall-of-fame entry (1 = best)' })
      .conflicts('run', 'play')
      .conflicts('run', 'genes')
      .option('dataset', { type: 'string', describe: 'Built dataset name (forge datasets ls)' })
      .option('csv', { type: 'string', describe: "Candle CSV file at the play's market.tf" })
      .conflicts('dataset', 'csv')
      .option('cash', { type: 'number', describe: 'Starting cash (default: the play\'s cash, 10,000)' })
      .option('from', { type: 'string', describe: 'First bar time, UTC (YYYY-MM-DD or ISO date-time)' })
      .option('to', { type: 'string', describe: 'End time, UTC, exclusive' })
      .option('genes', { type: 'string', describe: 'Gene values as JSON: {"features.fast.params.period": 12} or an array in gene order' })
      .option('trades-csv', { type: 'string', describe: 'Write the trade list to this CSV file' })
      .option('equity-csv', { type: 'string', describe: 'Write the equity curve to this CSV file' }) as any,
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const fromRun = argv.run !== undefined ? runWinner(ctx, argv.run, argv.rank) : undefined;
    if (fromRun !== undefined && argv.dataset === undefined && argv.csv === undefined) argv.dataset = fromRun.dataset;
    if (fromRun === undefined && argv.play === undefined) throw new ForgeError('backtest needs a play: --play FILE, or --run RUN_ID for an evolve winner', 'e.g. forge backtest --play configs/plays/sma_cross_reversal.yaml --csv ../shared/data/GOOG_1d.csv', 'E_ARG');
    if (argv.dataset === undefined && argv.csv === undefined) throw new ForgeError('backtest needs data: --dataset NAME or --csv FILE', 'e.g. forge backtest --play configs/plays/sma_cross_reversal.yaml --csv ../shared/data/GOOG_1d.csv', 'E_ARG');
    if (argv.cash !== undefined && !(argv.cash > 0)) throw new ForgeError(`--cash: ${argv.cash} is not a positive amount`, 'give --cash 10000', 'E_ARG');
    const space = fromRun?.space ?? loadPlay(argv.play!);
    argv.play ??= fromRun?.playFile;
    let genome = fromRun?.genome ?? defaultGenome(space.genes);
    if (fromRun !== undefined) {
      ctx.warn(`run ${argv.run} #${argv.rank}: in-sample fitness ${fromRun.fitness.toFixed(4)}; this backtest covers the whole window (in-sample and held-out parts)`);
    } else if (argv.genes !== undefined) {
      let given: unknown;
      try {
        given = JSON.parse(argv.genes);
      } catch {
        throw new ForgeError(`--genes: not valid JSON: ${argv.genes}`, 'quote it for the shell: --genes \'{"features.fast.params.period": 12}\'', 'E_ARG');
      }
      genome = genomeFromValues(space, given);
    } else if (space.genes.length > 0) {
      ctx.warn(`note: ${argv.play} has ${space.genes.length} genes and no --genes was given; using midpoints, first choices and every optional rule on`);
    }
    const genes = describeGenome(space.genes, genome);
    const play = resolvePlay(space, genome);

    const source = argv.dataset !== undefined ? { dataset: argv.dataset } : { csv: argv.csv! };
    let feeds = argv.dataset !== undefined ? await datasetFeeds(ctx, argv.dataset, play) : { [play.market.tf]: csvFeed(argv.csv!, play.market.tf) };
    feeds = sliceFeeds(feeds, argv.from, argv.to);
    const exec = feeds[play.market.tf];
    if (exec.length < 2) throw new ForgeError(`only ${exec.length} ${play.market.tf} bars in the chosen window`, 'widen --from/--to or use more data', 'E_BACKTEST_EMPTY');

    const run = runPlay(play, feeds, { cash: argv.cash });
    if (argv['trades-csv']) writeFileAtomic(argv['trades-csv'], tradesCsv(run));
    if (argv['equity-csv']) writeFileAtomic(argv['equity-csv'], equityCsv(run));

    const window = { from: isoUtc(exec.time[0]), to: isoUtc(exec.time[exec.length - 1]), bars: exec.length, tf: play.market.tf };
    ctx.emit({
      ok: true,
      play: argv.play,
      name: play.name ?? null,
      ...source,
      window,
      genes,
      cash: run.config.cash,
      tradeCount: run.result.trades.count,
      rejectedOrders: run.result.rejectedCount,
      metrics: run.metrics,
      tradesCsv: argv['trades-csv'] ?? null,
      equityCsv: argv['equity-csv'] ?? null,
    });
    ctx.say(`${play.name ?? argv.play} on ${argv.dataset ?? argv.csv}: ${window.bars.toLocaleString('en-US')} ${window.tf} bars, ${window.from} .. ${window.to}`);
    if (space.genes.length > 0) ctx.say(`genes: ${JSON.stringify(labelGenes(genes))}`);
    ctx.say(table(['metric', 'value'], metricRows(run.metrics)));
    if (run.result.rejectedCount > 0) ctx.say(`${run.result.rejectedCount} order(s) rejected (see the simulator's status codes)`);
    if (argv['trades-csv']) ctx.say(`trades: ${argv['trades-csv']}`);
    if (argv['equity-csv']) ctx.say(`equity: ${argv['equity-csv']}`);
  },
};

/** The play text, genome and dataset of a run's hall-of-fame entry (the run folder holds all three). */
function runWinner(ctx: CliContext, runId: string, rank: number) {
  const id = runIdArgument(runId, '--run');
  const p = runPaths(forgeHome(ctx.home).runsDir, id);
  if (!fs.existsSync(p.configPath) || !fs.existsSync(p.hallOfFamePath)) {
    throw new ForgeError(`no evolve run '${runId}' with a hall of fame under ${path.dirname(p.dir)}`, 'give a run id printed by forge evolve (see the runs/ folder)', 'E_NO_RUN');
  }
  const stored = JSON.parse(fs.readFileSync(p.configPath, 'utf8')) as StoredRunConfig;
  assertStoredRunId(stored.runId, p.configPath, id);
  const hof = JSON.parse(fs.readFileSync(p.hallOfFamePath, 'utf8')) as HallOfFameEntry[];
  const entry = hof[rank - 1];
  if (!Number.isInteger(rank) || entry === undefined) throw new ForgeError(`--rank: run ${runId} has ${hof.length} hall-of-fame entries, not #${rank}`, `use --rank 1..${hof.length}`, 'E_ARG');
  return { space: parsePlay(stored.playText, stored.config.play), playFile: stored.config.play, genome: entry.genome, dataset: stored.dataset.name, fitness: entry.fitness };
}

function metricRows(m: Metrics): [string, string][] {
  return (Object.keys(m) as (keyof Metrics)[]).map((k) => {
    const v = m[k];
    if (!Number.isFinite(v)) return [k, String(v)];
    if (PERCENT.has(k)) return [`${k} %`, (v * 100).toFixed(4)];
    return [k, Number.isInteger(v) ? v.toLocaleString('en-US') : Math.abs(v) >= 1000 ? v.toFixed(2) : v.toPrecision(6)];
  });
}

async function datasetFeeds(ctx: CliContext, name: string, play: Play): Promise<Record<string, Feed>> {
  const { manifest, feeds } = await loadDataset(forgeHome(ctx.home), name);
  if (feeds[play.market.tf] === undefined) {
    throw new ForgeError(
      `dataset '${name}' has no ${play.market.tf} bars (it has ${Object.keys(feeds).join(', ')}); the play runs on market.tf ${play.market.tf}`,
      `add ${play.market.tf} to the dataset's timeframes and rebuild, or change the play's market.tf`,
      'E_PLAY_TF',
    );
  }
  if (play.market.symbol !== undefined && play.market.symbol !== manifest.symbol) {
    ctx.warn(`note: the play names ${play.market.symbol}, the dataset holds ${manifest.symbol}`);
  }
  return feeds;
}

/** A candle CSV at the play's execution timeframe, through the importer's parser and checks. */
function csvFeed(file: string, tf: string): Feed {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ForgeError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'check the path given to --csv', 'E_CSV_FILE');
  }
  const checked = checkRows(parseCandleCsv(text, file), tf, 'keep');
  if (checked.bad.length > 0) throw badRowsError(file, 'line', checked.bad);
  const n = checked.n;
  const cut = (a: Float64Array) => a.subarray(0, n);
  return { tf, tfMs: timeframeMs(tf), time: cut(checked.ts), open: cut(checked.open), high: cut(checked.high), low: cut(checked.low), close: cut(checked.close), volume: cut(checked.volume), length: n };
}

function parseTime(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = parseIsoUtc(v.trim());
  if (ms !== ms) throw new ForgeError(`${flag}: '${v}' is not a date`, `write ${flag} 2023-01-01 or ${flag} 2023-01-01T12:00:00Z (UTC)`, 'E_ARG');
  return ms;
}

/** Views of every feed restricted to [from, to). Never copies. */
function sliceFeeds(feeds: Record<string, Feed>, from?: string, to?: string): Record<string, Feed> {
  const a = parseTime(from, '--from') ?? -Infinity;
  const b = parseTime(to, '--to') ?? Infinity;
  if (a >= b) throw new ForgeError(`--from ${from} is not before --to ${to}`, 'swap them', 'E_ARG');
  if (a === -Infinity && b === Infinity) return feeds;
  const out: Record<string, Feed> = {};
  for (const [tf, f] of Object.entries(feeds)) {
    const lo = lowerBound(f.time, a);
    const hi = lowerBound(f.time, b);
    const v = (x: Float64Array) => x.subarray(lo, hi);
    out[tf] = { tf: f.tf, tfMs: f.tfMs, time: v(f.time), open: v(f.open), high: v(f.high), low: v(f.low), close: v(f.close), volume: v(f.volume), length: hi - lo };
  }
  return out;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function tradesCsv(run: PlayRun): string {
  const t = run.result.trades;
  const time = run.feed.time;
  const lines = ['direction,entry_time,exit_time,entry_bar,exit_bar,entry_price,exit_price,size,pnl,return_pct,fees,exit_reason'];
  for (let k = 0; k < t.count; k++) {
    lines.push(
      [
        t.direction[k] > 0 ? 'long' : 'short',
        isoUtc(time[t.entryBar[k]]),
        isoUtc(time[t.exitBar[k]]),
        t.entryBar[k],
        t.exitBar[k],
        t.entryPrice[k],
        t.exitPrice[k],
        t.size[k],
        t.pnl[k],
        t.returnPct[k] * 100,
        t.fees[k],
        EXIT_REASONS[t.exitReason[k]] ?? String(t.exitReason[k]),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

function equityCsv(run: PlayRun): string {
  const { time } = run.feed;
  const eq = run.result.equity;
  const lines = ['time,equity'];
  for (let i = 0; i < eq.length; i++) lines.push(`${isoUtc(time[i])},${eq[i]}`);
  return lines.join('\n') + '\n';
}
