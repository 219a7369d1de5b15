import type { CommandModule } from 'yargs';
import { forgeHome } from '../../../forge/home.js';
import { listStored } from '../../../forge/store/ls.js';
import { makeContext, table } from '../../output.js';

interface LsArgs {
  symbol?: string;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const lsCommand: CommandModule<object, LsArgs> = {
  command: 'ls',
  describe: 'List the candles in the store: symbol, timeframe, bars, first and last bar, sources',
  builder: (y) => y.option('symbol', { type: 'string', describe: 'Only this symbol' }),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const home = forgeHome(ctx.home);
    const listing = await listStored(home.storePath, argv.symbol);
    const series = listing.series;
    ctx.emit({
      ok: true,
      store: home.storePath,
      series,
      ...(listing.snapshotAt ? { snapshotAt: listing.snapshotAt } : {}),
    });
    if (listing.snapshotAt)
      ctx.warn(`note: ${listing.busy}; showing the store as of its last completed write (${listing.snapshotAt})`);
    if (series.length === 0) {
      ctx.say(
        `the store ${home.storePath} holds no candles; import some with \`forge data import FILE --symbol S --tf 1h\``,
      );
      return;
    }
    ctx.say(
      table(
        ['symbol', 'tf', 'bars', 'first (UTC)', 'last (UTC)', 'source', 'repaired', 'calendar'],
        series.map((s) => [s.symbol, s.tf, s.bars, s.first, s.last, s.sources.join(', '), s.repaired, s.calendar]),
      ),
    );
  },
};
