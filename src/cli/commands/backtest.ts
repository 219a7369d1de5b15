import type { CommandModule } from 'yargs';
import { ForgeError } from '../../engine/errors.js';
import { defaultGenome, describeGenome, genomeFromValues, resolvePlay, runPlay } from '../../engine/play/index.js';
import type { Metrics } from '../../engine/metrics/metrics.js';
import { writeFileAtomic } from '../../forge/atomic.js';
import { datasetFeedsFor, equityCsv, runWinner, sliceFeeds, tradesCsv } from '../../forge/backtest.js';
import { csvFeed } from '../../forge/csv-feed.js';
import { loadPlay } from '../../forge/plays.js';
import { labelGenes } from '../../forge/report/labels.js';
import { forgeHome } from '../../forge/home.js';
import { isoUtc } from '../../forge/store/rows.js';
import { checkWindow, parseDateFlag } from '../date-flags.js';
import { makeContext, table } from '../output.js';

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
  'totalReturn',
  'returnAnn',
  'cagr',
  'volatilityAnn',
  'maxDrawdown',
  'avgDrawdown',
  'winRate',
  'bestTrade',
  'worstTrade',
  'avgTradeReturn',
  'expectancy',
  'exposure',
  'buyHoldReturn',
]);

export const backtestCommand: CommandModule<object, BacktestArgs> = {
  command: 'backtest',
  describe: 'Backtest one play on a built dataset or a CSV file and print its metrics',
  builder: (y) =>
    y
      .option('play', { type: 'string', describe: 'Play file (YAML), e.g. configs/plays/sma_cross_reversal.yaml' })
      .option('run', {
        type: 'string',
        describe: "An evolve run's id: backtest its hall-of-fame play (its play text, genes and dataset)",
      })
      .option('rank', { type: 'number', default: 1, describe: 'With --run: which hall-of-fame entry (1 = best)' })
      .conflicts('run', 'play')
      .conflicts('run', 'genes')
      .option('dataset', { type: 'string', describe: 'Built dataset name (forge datasets ls)' })
      .option('csv', { type: 'string', describe: "Candle CSV file at the play's market.tf" })
      .conflicts('dataset', 'csv')
      .option('cash', { type: 'number', describe: "Starting cash (default: the play's cash, 10,000)" })
      .option('from', { type: 'string', describe: 'First bar time, UTC (YYYY-MM-DD or ISO date-time)' })
      .option('to', { type: 'string', describe: 'End time, UTC, exclusive' })
      .option('genes', {
        type: 'string',
        describe: 'Gene values as JSON: {"features.fast.params.period": 12} or an array in gene order',
      })
      .option('trades-csv', { type: 'string', describe: 'Write the trade list to this CSV file' })
      .option('equity-csv', { type: 'string', describe: 'Write the equity curve to this CSV file' }),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const fromRun = argv.run !== undefined ? runWinner(forgeHome(ctx.home), argv.run, argv.rank) : undefined;
    if (fromRun !== undefined && argv.dataset === undefined && argv.csv === undefined) argv.dataset = fromRun.dataset;
    if (fromRun === undefined && argv.play === undefined)
      throw new ForgeError(
        'backtest needs a play: --play FILE, or --run RUN_ID for an evolve winner',
        'e.g. forge backtest --play configs/plays/sma_cross_reversal.yaml --csv ../shared/data/GOOG_1d.csv',
        'E_ARG',
      );
    if (argv.dataset === undefined && argv.csv === undefined)
      throw new ForgeError(
        'backtest needs data: --dataset NAME or --csv FILE',
        'e.g. forge backtest --play configs/plays/sma_cross_reversal.yaml --csv ../shared/data/GOOG_1d.csv',
        'E_ARG',
      );
    if (argv.cash !== undefined && !(argv.cash > 0))
      throw new ForgeError(`--cash: ${argv.cash} is not a positive amount`, 'give --cash 10000', 'E_ARG');
    const space = fromRun?.space ?? loadPlay(argv.play!);
    argv.play ??= fromRun?.playFile;
    let genome = fromRun?.genome ?? defaultGenome(space.genes);
    if (fromRun !== undefined) {
      ctx.warn(
        `run ${argv.run} #${argv.rank}: in-sample fitness ${fromRun.fitness.toFixed(4)}; ` +
          'this backtest covers the whole window (in-sample and held-out parts)',
      );
    } else if (argv.genes !== undefined) {
      let given: unknown;
      try {
        given = JSON.parse(argv.genes);
      } catch {
        throw new ForgeError(
          `--genes: not valid JSON: ${argv.genes}`,
          'quote it for the shell: --genes \'{"features.fast.params.period": 12}\'',
          'E_ARG',
        );
      }
      genome = genomeFromValues(space, given);
    } else if (space.genes.length > 0) {
      ctx.warn(
        `note: ${argv.play} has ${space.genes.length} genes and no --genes was ` +
          'given; using midpoints, first choices and every optional rule on',
      );
    }
    const genes = describeGenome(space.genes, genome);
    const play = resolvePlay(space, genome);

    const source = argv.dataset !== undefined ? { dataset: argv.dataset } : { csv: argv.csv! };
    const from = parseDateFlag('from', argv.from);
    const to = parseDateFlag('to', argv.to);
    checkWindow(from, to, argv);
    const tf = play.market.tf;
    const all =
      argv.dataset !== undefined
        ? await datasetFeedsFor(forgeHome(ctx.home), argv.dataset, play, ctx.warn)
        : { [tf]: csvFeed(argv.csv!, tf, '--csv') };
    const feeds = sliceFeeds(all, from, to);
    const exec = feeds[play.market.tf];
    if (exec.length < 2)
      throw new ForgeError(
        `only ${exec.length} ${play.market.tf} bars in the chosen window`,
        'widen --from/--to or use more data',
        'E_BACKTEST_EMPTY',
      );

    const run = runPlay(play, feeds, { cash: argv.cash });
    if (argv['trades-csv']) writeFileAtomic(argv['trades-csv'], tradesCsv(run));
    if (argv['equity-csv']) writeFileAtomic(argv['equity-csv'], equityCsv(run));

    const window = {
      from: isoUtc(exec.time[0]),
      to: isoUtc(exec.time[exec.length - 1]),
      bars: exec.length,
      tf: play.market.tf,
    };
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
    ctx.say(
      `${play.name ?? argv.play} on ${argv.dataset ?? argv.csv}: ` +
        `${window.bars.toLocaleString('en-US')} ${window.tf} bars, ${window.from} .. ${window.to}`,
    );
    if (space.genes.length > 0) ctx.say(`genes: ${JSON.stringify(labelGenes(genes))}`);
    ctx.say(table(['metric', 'value'], metricRows(run.metrics)));
    if (run.result.rejectedCount > 0)
      ctx.say(`${run.result.rejectedCount} order(s) rejected (see the simulator's status codes)`);
    if (argv['trades-csv']) ctx.say(`trades: ${argv['trades-csv']}`);
    if (argv['equity-csv']) ctx.say(`equity: ${argv['equity-csv']}`);
  },
};

function metricRows(m: Metrics): [string, string][] {
  return (Object.keys(m) as (keyof Metrics)[]).map((k) => {
    const v = m[k];
    if (!Number.isFinite(v)) return [k, String(v)];
    if (PERCENT.has(k)) return [`${k} %`, (v * 100).toFixed(4)];
    return [k, Number.isInteger(v) ? v.toLocaleString('en-US') : Math.abs(v) >= 1000 ? v.toFixed(2) : v.toPrecision(6)];
  });
}
