import type { CommandModule } from 'yargs';
import { forgeHome } from '../../../forge/home.js';
import { CALENDARS, importFile, type Calendar, type ImportReport } from '../../../forge/store/import.js';
import { OHLC_POLICIES, type OhlcPolicy } from '../../../forge/store/rows.js';
import { makeContext, table } from '../../output.js';

interface ImportArgs {
  file: string;
  symbol: string;
  tf: string;
  'skip-bad': boolean;
  ohlc: OhlcPolicy;
  calendar?: Calendar;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import <file>',
  describe: 'Import candles from a CSV or Parquet file into the store (all or nothing)',
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        describe: 'CSV (header or Binance kline) or Parquet file',
      })
      .option('symbol', {
        type: 'string',
        demandOption: true,
        describe: 'Symbol to store the candles under, e.g. BTCUSDT',
      })
      .option('tf', {
        type: 'string',
        demandOption: true,
        describe: "The file's bar timeframe, e.g. 1h, 1d, 1w; auto: detect it from the bar spacing",
      })
      .option('skip-bad', {
        type: 'boolean',
        default: false,
        describe: 'Import the good lines and report each bad one, instead of rejecting the file',
      })
      .option('ohlc', {
        type: 'string',
        choices: OHLC_POLICIES as OhlcPolicy[],
        default: 'repair' as OhlcPolicy,
        describe:
          'Bars whose high/low do not contain open and close: repair (widen, ' +
          'flag, report), reject (fail the file), keep (store as-is)',
      })
      .option('calendar', {
        type: 'string',
        choices: CALENDARS as Calendar[],
        describe:
          "The symbol's trading calendar for gap checks (default: keep the recorded one, 24x7 for a new symbol)",
      }),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const report = await importFile(forgeHome(ctx.home).storePath, {
      file: argv.file,
      symbol: argv.symbol,
      tf: argv.tf,
      skipBad: argv['skip-bad'],
      ohlc: argv.ohlc,
      calendar: argv.calendar,
    });
    ctx.emit({ ok: true, ...report });
    ctx.say(render(report));
  },
};

function render(r: ImportReport): string {
  const out: string[] = [];
  out.push(
    `${r.file} -> ${r.symbol} ${r.tf}${r.tfDetected ? ' (detected from the bar spacing)' : ''} ` +
      `(${r.format}, ${r.layout}, ${r.timeFormat})`,
  );
  out.push(
    table(
      ['rows read', 'inserted', 'updated', 'unchanged', 'skipped', 'repaired', 'replaced synthetic'],
      [[r.rowsRead, r.inserted, r.updated, r.unchanged, r.skipped.length, r.repaired.length, r.replacedSynthetic]],
    ),
  );
  out.push(`bars ${r.first} .. ${r.last}, calendar ${r.calendar}`);
  if (r.skipped.length > 0) {
    out.push(`\nskipped ${r.skipped.length} bad line(s) (--skip-bad):`);
    for (const b of r.skipped) out.push(`  line ${b.line}: ${b.reason}`);
  }
  if (r.gaps.length > 0) {
    out.push(`\nimported with ${r.gaps.length} long gap(s) (--skip-bad); \`forge data check\` will fail them:`);
    for (const g of r.gaps) out.push(`  ${g}`);
  }
  if (r.repaired.length > 0) {
    out.push(
      `\nrepaired ${r.repaired.length} inconsistent bar(s) by widening high/low to ` +
        'contain open and close (--ohlc repair; flagged repaired in the store):',
    );
    out.push(
      table(
        ['line', 'bar (UTC)', 'problem', 'high', 'low'],
        r.repaired.map((x) => [x.line, x.time, x.problem, fromTo(x.high), fromTo(x.low)]),
      ),
    );
  }
  if (r.keptInconsistent.length > 0) {
    out.push(
      `\nkept ${r.keptInconsistent.length} inconsistent bar(s) as they are (--ohlc keep; ` +
        `\`forge data check\` will fail them): lines ${r.keptInconsistent.join(', ')}`,
    );
  }
  return out.join('\n');
}

function fromTo([a, b]: readonly [number, number]): string {
  return a === b ? String(a) : `${a} -> ${b}`;
}
