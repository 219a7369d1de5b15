import type { CommandModule } from 'yargs';
import { ForgeError } from '../../../engine/errors.js';
import { timeframeMs } from '../../../engine/timeframe.js';
import { forgeHome } from '../../../forge/home.js';
import {
  CALENDARS,
  isoTime,
  preflight,
  type MarketCalendar,
  type PreflightReport,
} from '../../../forge/store/check.js';
import { withStore } from '../../../forge/store/store.js';
import { makeContext, table } from '../../output.js';
import { checkWindow, parseDateFlag } from '../../date-flags.js';

interface CheckArgs {
  symbol: string;
  tf: string;
  from?: string;
  to?: string;
  warmup: number;
  calendar?: MarketCalendar;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe:
    'Preflight stored candles: order, duplicates, grid alignment, gaps, OHLC consistency, prices, window coverage',
  builder: (y) =>
    y
      .option('symbol', { type: 'string', demandOption: true, describe: 'Symbol to check, e.g. BTCUSDT' })
      .option('tf', { type: 'string', demandOption: true, describe: 'Timeframe to check, e.g. 1h' })
      .option('from', { type: 'string', describe: 'Start of the window a backtest will use, ISO date (UTC)' })
      .option('to', { type: 'string', describe: 'End of that window (exclusive), ISO date (UTC)' })
      .option('warmup', {
        type: 'number',
        default: 0,
        describe: 'Indicator warm-up: bars that must exist before --from',
      })
      .option('calendar', {
        type: 'string',
        choices: CALENDARS as MarketCalendar[],
        describe:
          'Which gaps are allowed: 24x7, or weekdays (weekends and short ' +
          "holidays); default: the symbol's recorded calendar, else 24x7",
      })
      .example('$0 data check --symbol BTCUSDT --tf 1h --from 2022-01-01 --to 2023-01-01 --warmup 200', ''),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    timeframeMs(argv.tf, '--tf');
    const from = parseDateFlag('from', argv.from);
    const to = parseDateFlag('to', argv.to);
    checkWindow(from, to, argv);
    if (!Number.isInteger(argv.warmup) || argv.warmup < 0) {
      throw new ForgeError(
        `--warmup: ${argv.warmup} is not a bar count`,
        'give a whole number of bars, 0 or more',
        'E_ARG',
      );
    }
    const report = await withStore(forgeHome(ctx.home).storePath, { readOnly: true }, (store) =>
      preflight(store, {
        symbol: argv.symbol,
        tf: argv.tf,
        from,
        to,
        warmupBars: argv.warmup,
        calendar: argv.calendar,
      }),
    );
    ctx.emit({
      ...report,
      first: report.first === null ? null : isoTime(report.first),
      last: report.last === null ? null : isoTime(report.last),
      checks: report.checks.map((c) => ({ ...c, examples: c.examples.map((e) => ({ time: isoTime(e.ts), ...e })) })),
    });
    ctx.say(render(report));
    // The report is printed either way; a failing check makes the exit status say so for scripts.
    if (!report.ok) process.exitCode = 1;
  },
};

function render(r: PreflightReport): string {
  const out: string[] = [];
  const span =
    r.first === null ? 'no bars' : `${r.bars.toLocaleString('en-US')} bars ${isoTime(r.first)} .. ${isoTime(r.last!)}`;
  out.push(`preflight ${r.symbol} ${r.tf}: ${span}`);
  out.push(
    table(
      ['check', 'status', 'count', 'detail'],
      r.checks.map((c) => [c.name, c.status.toUpperCase(), c.count, c.detail]),
    ),
  );
  for (const c of r.checks) {
    if (c.examples.length === 0 || c.status === 'pass') continue;
    const more =
      c.count > c.examples.length && c.name !== 'gaps' && c.name !== 'coverage'
        ? ` (first ${c.examples.length} of ${c.count})`
        : '';
    out.push(`\n${c.name} (${c.status})${more}:`);
    out.push(
      table(
        ['bar (UTC)', 'reason'],
        c.examples.map((e) => [isoTime(e.ts), e.reason]),
      ),
    );
  }
  const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  const warned = r.checks.filter((c) => c.status === 'warn').map((c) => c.name);
  out.push(
    `\n${r.ok ? 'PASS' : `FAIL: ${failed.join(', ')}`}${warned.length > 0 ? ` (warnings: ${warned.join(', ')})` : ''}`,
  );
  return out.join('\n');
}
