import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { readEvolveFile, resolveEvolveConfig, type EvolveInput } from '../../forge/evolve/config.js';
import { parseDuration } from '../../forge/units.js';
import { resumeEvolve, startEvolve, type EvolveOutcome } from '../../forge/evolve/run.js';
import { OBJECTIVES } from '../../forge/fitness.js';
import { forgeHome } from '../../forge/home.js';
import { duration, featureLine, progressView } from '../progress.js';
import { makeContext, table, type CliContext } from '../output.js';
import { dataPolicy, OFFLINE_OPTION, SYNTHETIC_OPTION } from '../data-policy.js';
import { listenForStop } from '../stop-signals.js';

/** The template play shipped with forge, so the bare README command has a search space. */
const DEFAULT_PLAY = fileURLToPath(new URL('../../../configs/plays/default.yaml', import.meta.url));

interface EvolveArgs {
  config?: string;
  resume?: string;
  dataset?: string;
  regimes?: string;
  across?: 'min' | 'mean';
  play?: string;
  pop?: number;
  generations?: number;
  budget?: number;
  method?: 'ga' | 'grid' | 'random';
  workers?: number;
  'batches-per-worker'?: number;
  'store-wait'?: string;
  seed?: string;
  fitness?: string;
  holdout?: string;
  'min-trades'?: number;
  'max-drawdown'?: number;
  patience?: number;
  'max-wall'?: string;
  'feature-memory'?: string;
  cash?: number;
  'max-failed-share'?: number;
  top: number;
  offline: boolean;
  synthetic: boolean;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const evolveCommand: CommandModule<object, EvolveArgs> = {
  command: 'evolve',
  describe: 'Evolve a play (a search space of genes) with a genetic algorithm on a named dataset',
  builder: (y) =>
    y
      .option('config', { type: 'string', describe: 'YAML run config (e.g. configs/overnight.yaml); flags override it' })
      .option('resume', { type: 'string', describe: 'Continue the run with this id (or run folder)' })
      .option('dataset', { type: 'string', describe: 'Dataset name from the catalog (default BTCUSDT_FULL_CYCLE)' })
      .option('regimes', { type: 'string', describe: 'More datasets the fitness must hold on, comma-separated (e.g. BTCUSDT_BEAR_2022,BTCUSDT_BULL_2024)' })
      .option('across', { type: 'string', choices: ['min', 'mean'], describe: 'How fitness combines the datasets (default min: the worst regime decides)' })
      .option('play', { type: 'string', describe: 'Play file whose genes are searched (default configs/plays/default.yaml)' })
      .option('pop', { type: 'number', alias: 'population', describe: 'Population size (default 150)' })
      .option('generations', { type: 'number', alias: 'g', describe: 'Generations (default 30; with --budget only a cap when given)' })
      .option('budget', { type: 'number', describe: 'Stop after this many distinct plays are evaluated (cache hits are free)' })
      .option('method', { type: 'string', choices: ['ga', 'grid', 'random'], describe: 'Search method: ga (default), grid (every combination in order), random' })
      .option('workers', { type: 'number', describe: 'Worker threads; 1 runs in-process (default: one per core)' })
      .option('batches-per-worker', { type: 'number', hidden: true, describe: 'Batches per worker per generation (load balancing only)' })
      .option('store-wait', { type: 'string', hidden: true, describe: 'How long a finished search waits for a busy store, e.g. 30s (its records stay in the run folder either way)' })
      .option('seed', { type: 'string', describe: 'Seed: same config + seed = same result (default 42)' })
      .option('fitness', { type: 'string', choices: OBJECTIVES as unknown as string[], describe: 'Objective (default sharpe)' })
      .option('holdout', { type: 'string', describe: 'Share at the end kept out of sample, e.g. 20% (default 20%)' })
      .option('min-trades', { type: 'number', describe: 'Fewer in-sample trades is infeasible (default 10)' })
      .option('max-drawdown', { type: 'number', describe: 'Deeper in-sample drawdown (fraction) is infeasible (default 0.6)' })
      .option('patience', { type: 'number', describe: 'Stop after this many generations without improvement (0 = off)' })
      .option('max-wall', { type: 'string', describe: 'Time budget, e.g. 8h; the run pauses resumable when it is spent' })
      .option('feature-memory', { type: 'string', describe: 'Budget of the shared feature store, e.g. 512MB or 2GB (default: a quarter of free memory, 64 MB-1 GB); never changes results' })
      .option('cash', { type: 'number', describe: 'Starting cash (default 10000)' })
      .option('max-failed-share', { type: 'number', describe: 'Stop (exit 1, resumable) at a generation where this share of the evaluations failed (default 1: only when all fail)' })
      .option('offline', OFFLINE_OPTION)
      .option('synthetic', SYNTHETIC_OPTION)
      .option('top', { type: 'number', default: 5, describe: 'Hall-of-fame entries to print' })
      .example('$0 evolve --dataset BTCUSDT_FULL_CYCLE --pop 150', 'the default search')
      .example('$0 evolve --config configs/overnight.yaml', 'an overnight search from YAML')
      .example('$0 evolve --resume <run-id>', 'continue after Ctrl-C, a crash or a time budget') as any,
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const home = forgeHome(ctx.home);
    const flags: EvolveInput = {
      dataset: argv.dataset,
      regimes: argv.regimes === undefined ? undefined : argv.regimes.split(',').map((x) => x.trim()).filter(Boolean),
      across: argv.across,
      play: argv.play,
      seed: argv.seed,
      holdout: argv.holdout,
      cash: argv.cash,
      fitness: { objective: argv.fitness as never, minTrades: argv['min-trades'], maxDrawdown: argv['max-drawdown'] },
      ga: { population: argv.pop, generations: argv.generations, patience: argv.patience, budget: argv.budget, method: argv.method },
      workers: argv.workers,
      maxWall: argv['max-wall'],
      featureMemory: argv['feature-memory'],
      maxFailedShare: argv['max-failed-share'],
    };
    const view = progressView(ctx.json || ctx.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines', (line) => process.stderr.write(line + '\n'));
    // On SIGINT or SIGTERM the current generation finishes and is checkpointed, the run lock is
    // released and the resume command printed; a second signal quits at once (the checkpoint of the
    // last finished generation stands).
    let runIdForResume: string | undefined;
    const stop = listenForStop('this generation (its checkpoint is written)', () => {
      view.stop();
      process.stderr.write(`\ninterrupted; resume with: forge evolve --resume ${runIdForResume ?? '<run-id>'}\n`);
    });
    const { stopRequested } = stop;
    const events = {
      warn: (m: string) => ctx.warn(`warning: ${m}`),
      start: (info: Parameters<typeof view.start>[0]) => {
        runIdForResume = info.runId;
        const bars = Object.entries(info.dataset.bars).map(([tf, n]) => `${n.toLocaleString('en-US')} ${tf}`).join(', ');
        ctx.warn(
          `${info.resumedAt === null ? 'run' : `resuming run (at generation ${info.resumedAt})`} ${info.runId}: ${info.dataset.name}` +
            `${info.dataset.source === 'synthetic' ? ' (SYNTHETIC stand-in: no real candles for it in the store)' : ''} [${bars}], ` +
            `pop ${info.population} x ${info.generations} generations, ${info.genes} genes, ${info.workers} worker${info.workers > 1 ? 's' : ''}; ` +
            `dataset into shared memory in ${info.dataset.loadMs} ms (${(info.dataset.sharedBytes / 1e6).toFixed(1)} MB)`,
        );
        view.start(info);
      },
      generation: (p: Parameters<typeof view.generation>[0]) => view.generation(p),
    };
    const storeWaitMs = argv['store-wait'] === undefined ? undefined : parseDuration(argv['store-wait'], '--store-wait');
    try {
      let outcome: EvolveOutcome;
      if (argv.resume !== undefined) {
        // Only the operational flags apply on resume; the run's own config is stored with it.
        const { operational, warnings } = resolveEvolveConfig({}, { workers: flags.workers, maxWall: flags.maxWall, featureMemory: flags.featureMemory, maxFailedShare: flags.maxFailedShare }, DEFAULT_PLAY);
        for (const w of warnings) ctx.warn(`warning: ${w}`);
        outcome = await resumeEvolve(home, argv.resume, { ...operational, batchesPerWorker: argv['batches-per-worker'], storeWaitMs, data: dataPolicy(argv) }, events, { stopRequested });
      } else {
        const file = argv.config !== undefined ? readEvolveFile(argv.config) : {};
        const { config, operational, warnings } = resolveEvolveConfig(file, flags, DEFAULT_PLAY);
        for (const w of warnings) ctx.warn(`warning: ${w}`);
        outcome = await startEvolve(home, config, { ...operational, batchesPerWorker: argv['batches-per-worker'], storeWaitMs, data: dataPolicy(argv) }, events, { stopRequested });
      }
      view.stop();
      report(ctx, outcome, argv.top);
      // A user stop is not a failure, but scripts should be able to tell it from a finished run.
      if (outcome.status === 'interrupted') process.exitCode = stop.exitCode();
    } finally {
      stop.dispose();
    }
  },
};

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(2));

function report(ctx: CliContext, o: EvolveOutcome, top: number): void {
  ctx.emit({ ok: true, ...o, hallOfFame: o.hallOfFame.slice(0, Math.max(top, 10)) });
  const synthetic = o.dataset.source === 'synthetic' ? ' on a SYNTHETIC stand-in dataset' : '';
  const statusLine: Record<EvolveOutcome['status'], string> = {
    finished: `finished ${o.generationsDone} generations`,
    'stopped-patience': `stopped early after ${o.generationsDone} generations (no improvement for 'patience' generations)`,
    'budget-spent': `spent the budget of ${o.config.ga.budget.toLocaleString('en-US')} distinct evaluations in ${o.generationsDone} generations`,
    exhausted: `stopped after ${o.generationsDone} generations: ${o.config.ga.method === 'grid' ? 'every grid point is evaluated' : 'no new play was found for several generations (the space is exhausted)'}`,
    'paused-time-budget': `paused after ${o.generationsDone} generations: the time budget is spent`,
    interrupted: `interrupted after ${o.generationsDone} generations`,
    'already-finished': `this run had already finished (${o.generationsDone} generations); showing its result`,
  };
  ctx.say(`\n${statusLine[o.status]}${synthetic}: ${o.evaluations.toLocaleString('en-US')} distinct plays evaluated, ` +
    `${o.cacheHits.toLocaleString('en-US')} cache hits (slots reusing an evaluated play), in ${duration(o.wallMs)}` +
    (o.evalsPerSec > 0 ? `, ${o.evalsPerSec.toFixed(0)} evaluations/s on ${o.workers} worker${o.workers > 1 ? 's' : ''}` : ''));
  if (o.features.requests > 0) ctx.say(`shared features: ${featureLine(o.features)}`);
  const h = o.config.holdout;
  ctx.say(`\nhall of fame (fitness = in-sample ${o.config.fitness.objective}; out-of-sample = the last ${(h * 100).toFixed(0)}% of the window, never used for selection; equivalents = other plays found with the same trades)`);
  const rows = o.hallOfFame.slice(0, top).map((e) => [
    e.rank,
    num(e.fitness),
    e.equivalents ?? 0,
    pct(e.inSample?.totalReturn),
    num(e.inSample?.sharpe),
    pct(e.inSample?.maxDrawdown),
    e.inSample?.trades ?? 0,
    pct(e.outOfSample?.totalReturn),
    num(e.outOfSample?.sharpe),
    pct(e.outOfSample?.maxDrawdown),
    e.outOfSample?.trades ?? 0,
  ]);
  ctx.say(table(['#', 'fitness', 'equivalents', 'IS return', 'IS sharpe', 'IS maxDD', 'IS trades', 'OOS return', 'OOS sharpe', 'OOS maxDD', 'OOS trades'], rows));
  const best = o.hallOfFame[0];
  if (best?.regimes?.length) {
    ctx.say(`\nfitness = ${o.config.across} over ${[o.dataset.name, ...best.regimes.map((r) => r.dataset)].join(', ')}; the best play on each (in-sample):`);
    const main = { dataset: o.dataset.name, fitness: NaN, inSample: best.inSample, outOfSample: best.outOfSample };
    ctx.say(table(['dataset', 'IS return', 'IS sharpe', 'IS maxDD', 'IS trades'], [main, ...best.regimes].map((r) => [r.dataset, pct(r.inSample?.totalReturn), num(r.inSample?.sharpe), pct(r.inSample?.maxDrawdown), r.inSample?.trades ?? 0])));
  }
  if (best) {
    ctx.say(`\nbest play:`);
    for (const line of best.play) ctx.say(`  ${line}`);
  }
  const rel = path.relative(process.cwd(), o.runDir) || o.runDir;
  ctx.say(`\nrun folder: ${rel} (config.json, checkpoint.json, hall_of_fame.json, generations.json, evaluations/*.parquet)`);
  if (o.status === 'interrupted' || o.status === 'paused-time-budget') ctx.say(`resume: forge evolve --resume ${o.runId}`);
  if (best) ctx.say(`backtest the winner: forge backtest --run ${o.runId} --rank 1${o.hallOfFame.length > 1 ? `   (or --rank 2..${o.hallOfFame.length})` : ''}`);
}
