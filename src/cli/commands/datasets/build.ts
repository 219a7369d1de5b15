import type { CommandModule } from 'yargs';
import { iso } from '../../../forge/datasets/catalog.js';
import { buildDatasets, DEFAULT_SYNTHETIC_SEED } from '../../../forge/datasets/build.js';
import { datasetDir } from '../../../forge/datasets/folder.js';
import type { Manifest } from '../../../forge/datasets/manifest.js';
import { forgeHome } from '../../../forge/home.js';
import { makeContext, table } from '../../output.js';
import { dataPolicy, OFFLINE_OPTION } from '../../data-policy.js';

interface BuildArgs {
  names: string[];
  synthetic: boolean;
  seed?: string;
  offline: boolean;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const buildCommand: CommandModule<object, BuildArgs> = {
  command: 'build [names..]',
  describe:
    'Preflight and export catalog datasets from the store to Parquet ' +
    'under <home>/datasets/NAME/ (all when no name is given)',
  builder: (y) =>
    y
      .positional('names', {
        type: 'string',
        array: true,
        default: [],
        describe: 'Dataset names from the catalog (`forge datasets ls`)',
      })
      .option('synthetic', {
        type: 'boolean',
        default: false,
        describe:
          'When the store has no real candles for a dataset, generate a ' +
          'regime-shaped synthetic stand-in (marked synthetic everywhere)',
      })
      .option('offline', OFFLINE_OPTION)
      .option('seed', {
        type: 'string',
        describe: `Seed of the synthetic stand-in (default: ${DEFAULT_SYNTHETIC_SEED})`,
      })
      .example('$0 datasets build BTCUSDT_BEAR_2022', 'build from imported candles')
      .example('$0 datasets build BTCUSDT_FULL_CYCLE --synthetic', 'no candles yet: build the synthetic stand-in'),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const warnings: string[] = [];
    const manifests = await buildDatasets(forgeHome(ctx.home), argv.names ?? [], {
      allowSynthetic: argv.synthetic,
      syntheticRequested: argv.synthetic,
      seed: argv.seed,
      data: dataPolicy(argv),
      warn: (msg) => {
        warnings.push(msg);
        ctx.warn(`warning: ${msg}`);
      },
      progress: (msg) => {
        if (!ctx.json) ctx.warn(msg);
      },
    });
    ctx.emit({ ok: true, datasets: manifests, warnings });
    for (const m of manifests) ctx.say(render(m, datasetDir(forgeHome(ctx.home), m.name)));
  },
};

/** `dir`: the dataset's folder (datasetDir). */
function render(m: Manifest, dir: string): string {
  const head =
    `built ${m.name} (${m.source === 'synthetic' ? 'SYNTHETIC stand-in' : 'real candles'}) ` +
    `${m.symbol} ${iso(m.window.fromMs)}..${iso(m.window.toMs)}, hash ${m.hash.slice(0, 12)}, in ${dir}`;
  const rows = m.timeframes.map((t) => [
    t.tf,
    t.bars,
    t.first === null ? '' : new Date(t.first).toISOString(),
    t.last === null ? '' : new Date(t.last).toISOString(),
    t.file,
  ]);
  return `${head}\n${table(['tf', 'bars', 'first', 'last', 'file'], rows)}\n`;
}
