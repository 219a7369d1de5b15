import type { CommandModule } from 'yargs';
import { REGIME_SHAPES, type RegimeShape } from '../../../engine/synthetic.js';
import { timeframeMs } from '../../../engine/timeframe.js';
import { forgeHome } from '../../../forge/home.js';
import { withStore } from '../../../forge/store/store.js';
import { checkSynthSize, storeSynthetic } from '../../../forge/store/synth.js';
import { checkWindow, parseDateFlag } from '../../date-flags.js';
import { makeContext, table } from '../../output.js';

interface SynthArgs {
  symbol: string;
  tf: string;
  from: string;
  to: string;
  seed: string;
  shape: RegimeShape;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'Generate a regime-switching synthetic series (deterministic by seed) and store it with source synthetic',
  builder: (y) =>
    y
      .option('symbol', {
        type: 'string',
        demandOption: true,
        describe: 'Symbol to store the series under, e.g. BTCUSDT',
      })
      .option('tf', { type: 'string', demandOption: true, describe: 'Bar timeframe, e.g. 15m, 1h, 1d' })
      .option('from', { type: 'string', demandOption: true, describe: 'First bar, ISO date (UTC), e.g. 2021-01-01' })
      .option('to', { type: 'string', demandOption: true, describe: 'End of the window (exclusive), ISO date (UTC)' })
      .option('seed', { type: 'string', default: '42', describe: 'Seed: the same seed gives the same candles' })
      .option('shape', {
        type: 'string',
        choices: REGIME_SHAPES as RegimeShape[],
        default: 'mixed' as RegimeShape,
        describe: 'Regime schedule: mixed, mostly bull/bear/range/volatile, or cycle (bull, then bear, then recovery)',
      })
      .example('$0 data synth --symbol BTCUSDT --tf 15m --from 2021-01-01 --to 2025-01-01 --seed 42 --shape cycle', ''),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    timeframeMs(argv.tf, '--tf');
    const from = parseDateFlag('from', argv.from)!;
    const to = parseDateFlag('to', argv.to)!;
    checkWindow(from, to, argv);
    checkSynthSize(argv.tf, from, to); // before waiting for the store: a too-large window needs no lock
    const t0 = performance.now();
    const r = await withStore(forgeHome(ctx.home).storePath, {}, (store) =>
      storeSynthetic(store, { symbol: argv.symbol, tf: argv.tf, from, to, seed: argv.seed, shape: argv.shape }),
    );
    const ms = Math.round(performance.now() - t0);
    ctx.emit({
      ok: true,
      symbol: argv.symbol,
      tf: argv.tf,
      source: 'synthetic',
      seed: argv.seed,
      shape: argv.shape,
      from: argv.from,
      to: argv.to,
      ...r,
      ms,
    });
    ctx.say(
      `${argv.symbol} ${argv.tf}: synthetic '${argv.shape}' series, ` +
        `seed ${argv.seed}, ${argv.from} .. ${argv.to} (${ms} ms)`,
    );
    ctx.say(table(['bars', 'inserted', 'updated'], [[r.bars, r.inserted, r.updated]]));
  },
};
