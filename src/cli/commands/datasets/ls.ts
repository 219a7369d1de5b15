import type { CommandModule } from 'yargs';
import { listDatasets } from '../../../forge/datasets/list.js';
import { forgeHome } from '../../../forge/home.js';
import { makeContext, table } from '../../output.js';

interface LsArgs {
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const lsCommand: CommandModule<object, LsArgs> = {
  command: 'ls',
  describe: 'List built datasets (source, window, bars per timeframe, hash) and catalog entries not built yet',
  builder: (y) => y,
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const rows = listDatasets(forgeHome(ctx.home));
    ctx.emit({ ok: true, datasets: rows });
    ctx.say(
      table(
        ['name', 'source', 'candles from', 'window', 'timeframes (bars)', 'hash', 'built at'],
        rows.map((r) => [
          r.name,
          r.source ?? '-',
          r.candlesFrom,
          r.window,
          r.timeframes,
          r.hash ?? '',
          r.status === 'built' ? r.builtAt : r.status,
        ]),
      ),
    );
  },
};
