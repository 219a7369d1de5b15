import type { CommandModule } from 'yargs';
import { timeframeMs } from '../../../engine/timeframe.js';
import { forgeHome } from '../../../forge/home.js';
import { derivedSource, storeResampled } from '../../../forge/store/resample.js';
import { withStore } from '../../../forge/store/store.js';
import { makeContext, table } from '../../output.js';
import { checkWindow, parseDateFlag } from '../../date-flags.js';

interface ResampleArgs {
  symbol: string;
  'from-tf': string;
  'to-tf': string;
  from?: string;
  to?: string;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const resampleCommand: CommandModule<object, ResampleArgs> = {
  command: 'resample',
  describe:
    'Derive a higher timeframe from stored bars (complete buckets only) and store it as source derived:<from-tf>',
  builder: (y) =>
    y
      .option('symbol', { type: 'string', demandOption: true, describe: 'Symbol whose bars to resample' })
      .option('from-tf', { type: 'string', demandOption: true, describe: 'Stored base timeframe, e.g. 1h' })
      .option('to-tf', {
        type: 'string',
        demandOption: true,
        describe: 'Target timeframe, a whole multiple of --from-tf, e.g. 4h or 1d',
      })
      .option('from', { type: 'string', describe: 'First target bucket start, ISO date (UTC); default: all' })
      .option('to', { type: 'string', describe: 'End of the target buckets (exclusive), ISO date (UTC)' })
      .example('$0 data resample --symbol BTCUSDT --from-tf 1h --to-tf 4h', ''),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    timeframeMs(argv['from-tf'], '--from-tf');
    timeframeMs(argv['to-tf'], '--to-tf');
    const from = parseDateFlag('from', argv.from);
    const to = parseDateFlag('to', argv.to);
    checkWindow(from, to, argv);
    const r = await withStore(forgeHome(ctx.home).storePath, {}, (store) =>
      storeResampled(store, { symbol: argv.symbol, baseTf: argv['from-tf'], targetTf: argv['to-tf'], from, to }),
    );
    const source = derivedSource(argv['from-tf']);
    ctx.emit({ ok: true, symbol: argv.symbol, fromTf: argv['from-tf'], toTf: argv['to-tf'], source, ...r });
    ctx.say(
      `${argv.symbol} ${argv['from-tf']} -> ${argv['to-tf']} (complete buckets only), stored as source ${source}`,
    );
    ctx.say(
      table(
        [`${argv['from-tf']} bars`, `${argv['to-tf']} bars`, 'inserted', 'updated', 'unchanged'],
        [[r.baseBars, r.bars, r.inserted, r.updated, r.unchanged]],
      ),
    );
  },
};
