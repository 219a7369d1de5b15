import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { DEFAULT_ARCHIVE, MARKETS } from '../../../forge/fetch/layout.js';
import { fetchCandles, FETCH_DEFAULTS, type FetchEvents, type FetchReport } from '../../../forge/fetch/fetch.js';
import { forgeHome } from '../../../forge/home.js';
import { makeContext, table, type CliContext } from '../../output.js';
import { parseDateFlag } from '../../date-flags.js';

interface FetchArgs {
  symbol: string;
  tf: string;
  from: string;
  to: string;
  market: string;
  'base-url'?: string;
  retries: number;
  timeout: number;
  'skip-bad': boolean;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const fetchCommand: CommandModule<object, FetchArgs> = {
  command: 'fetch',
  describe:
    "Download candles from Binance's public data archive (checksum-verified, " +
    'cached, resumable) and import them (all or nothing)',
  builder: (y) =>
    y
      .option('symbol', { type: 'string', demandOption: true, describe: 'Binance symbol, e.g. BTCUSDT' })
      .option('tf', { type: 'string', demandOption: true, describe: 'Bar interval, e.g. 15m, 1h, 1d, 1w' })
      .option('from', { type: 'string', demandOption: true, describe: 'First day, ISO date (UTC)' })
      .option('to', { type: 'string', demandOption: true, describe: 'End (exclusive), ISO date (UTC)' })
      .option('market', {
        type: 'string',
        choices: [...MARKETS],
        default: FETCH_DEFAULTS.market,
        describe: 'spot, or futures-um (USD-M perpetuals)',
      })
      .option('base-url', {
        type: 'string',
        describe: `Archive root for mirrors (env FORGE_ARCHIVE_URL; default ${DEFAULT_ARCHIVE})`,
      })
      .option('retries', {
        type: 'number',
        default: FETCH_DEFAULTS.retries,
        describe: 'Retries per file on 5xx, 429 and timeouts (exponential backoff from 1 s)',
      })
      .option('timeout', {
        type: 'number',
        default: FETCH_DEFAULTS.timeoutMs / 1000,
        describe: 'Seconds without data before a request counts as timed out',
      })
      .option('skip-bad', {
        type: 'boolean',
        default: false,
        describe: 'Import around bad lines and long gaps, reporting each, instead of refusing',
      })
      .example(
        '$0 data fetch --symbol BTCUSDT --tf 15m --from 2021-01-01 --to 2025-01-01',
        "the main dataset's candles",
      ),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const view = fetchView(ctx);
    let report: FetchReport;
    try {
      report = await fetchCandles(
        forgeHome(ctx.home),
        {
          symbol: argv.symbol,
          tf: argv.tf,
          from: parseDateFlag('from', argv.from),
          to: parseDateFlag('to', argv.to),
          market: argv.market,
          baseUrl: argv['base-url'] ?? (process.env.FORGE_ARCHIVE_URL || DEFAULT_ARCHIVE),
          retries: argv.retries,
          timeoutMs: Math.round(argv.timeout * 1000),
          skipBad: argv['skip-bad'],
        },
        view,
      );
    } finally {
      view.stop();
    }
    ctx.emit({ ok: true, ...report });
    ctx.say(render(report));
  },
};

/** A bar with files and bytes on a terminal, a line per file otherwise, nothing under --quiet/--json. */
function fetchView(ctx: CliContext): FetchEvents & { stop(): void } {
  if (ctx.quiet || ctx.json) return { stop: () => {} };
  let bytes = 0;
  const mb = () => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (!process.stderr.isTTY) {
    return {
      file: (f, i) =>
        ctx.warn(
          `${f.file.name}: ${f.state}${f.state === 'missing' ? ' (404, not in the archive)' : ''} [${i}] ${mb()}`,
        ),
      bytes: (n) => (bytes += n),
      retry: (msg) => ctx.warn(msg),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: 'fetch {bar} {value}/{total} files | {mb} | {name}',
      barsize: 24,
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0, { mb: mb(), name: '' }),
    file: (f, i) => bar.update(i, { mb: mb(), name: `${f.file.name} ${f.state}` }),
    bytes: (n) => {
      bytes += n;
      bar.update({ mb: mb() });
    },
    retry: (msg) => bar.update({ name: msg.slice(0, 60) }),
    stop: () => bar.stop(),
  };
}

function render(r: FetchReport): string {
  const i = r.import;
  const out = [
    `${r.baseUrl} (${r.market}) -> ${i.symbol} ${i.tf}: ${r.files} files, ` +
      `${r.downloaded} downloaded, ${r.cached} from the cache, ${r.missing.length} ` +
      `not in the archive, ${(r.bytes / 1024 ** 2).toFixed(1)} MB`,
    table(
      ['rows read', 'inserted', 'updated', 'unchanged', 'replaced synthetic'],
      [[i.rowsRead, i.inserted, i.updated, i.unchanged, i.replacedSynthetic]],
    ),
    `bars ${i.first} .. ${i.last}`,
  ];
  if (r.missing.length > 0) out.push(`not in the archive (404; e.g. before the listing date): ${r.missing.join(', ')}`);
  if (i.gaps.length > 0) out.push(`imported with long gaps (--skip-bad):\n${i.gaps.map((g) => `  ${g}`).join('\n')}`);
  if (i.skipped.length > 0) out.push(`skipped ${i.skipped.length} bad line(s) (--skip-bad)`);
  return out.join('\n');
}
