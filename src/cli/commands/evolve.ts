import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { readEvolveFile, resolveEvolveConfig, type EvolveInput } from '../../forge/evolve/config.js';
import { parseDuration } from '../../forge/units.js';
import { resumeEvolve, startEvolve, type EvolveOutcome } from '../../forge/evolve/run.js';
import { forgeHome } from '../../forge/home.js';
import { progressView } from '../progress.js';
import { makeContext } from '../output.js';
import { dataPolicy } from '../data-policy.js';
import { searchFlags, searchOptions, type SearchArgs, type SearchTexts } from '../search-options.js';
import { endStopCutShortByRedis, listenForStop } from '../stop-signals.js';
import { checkRunName, readRunName, writeRunName } from '../../forge/runs/read.js';
import { sayEvolveSummary, type EvolveSummary } from '../summaries/evolve.js';

/** The template play shipped with forge, so the bare README command has a search space. */
const DEFAULT_PLAY = fileURLToPath(new URL('../../../configs/plays/default.yaml', import.meta.url));

interface EvolveArgs extends SearchArgs {
  resume?: string;
  regimes?: string;
  across?: 'min' | 'mean';
  'batches-per-worker'?: number;
  'store-wait'?: string;
  holdout?: string;
  patience?: number;
  'max-wall'?: string;
  'max-failed-share'?: number;
  top: number;
}

/** What evolve says about the flags it shares with walkforward. */
const TEXTS: SearchTexts = {
  config: 'YAML run config (e.g. configs/overnight.yaml); flags override it',
  pop: 'Population size (default 150)',
  generations: 'Generations (default 30; with --budget only a cap when given)',
  budget: 'Stop after this many distinct plays are evaluated (cache hits are free)',
  method: 'Search method: ga (default), grid (every combination in order), random',
  seed: 'Seed: same config + seed = same result (default 42)',
  fitness: 'Objective (default sharpe)',
  redis:
    'Evaluate on forge worker processes through this Redis ' + '(redis://[user:password@]host:6379, rediss:// for TLS)',
};

export const evolveCommand: CommandModule<object, EvolveArgs> = {
  command: 'evolve',
  describe: 'Evolve a play (a search space of genes) with a genetic algorithm on a named dataset',
  builder: (y) =>
    searchOptions(y, TEXTS)
      .option('resume', { type: 'string', describe: 'Continue the run with this id (or run folder)' })
      .option('regimes', {
        type: 'string',
        describe: 'More datasets the fitness must hold on, comma-separated (e.g. BTCUSDT_BEAR_2022,BTCUSDT_BULL_2024)',
      })
      .option('across', {
        type: 'string',
        choices: ['min', 'mean'] as const,
        describe: 'How fitness combines the datasets (default min: the worst regime decides)',
      })
      .option('batches-per-worker', {
        type: 'number',
        hidden: true,
        describe: 'Batches per worker per generation (load balancing only)',
      })
      .option('store-wait', {
        type: 'string',
        hidden: true,
        describe:
          'How long a finished search waits for a busy store, e.g. 30s (its records stay in the run folder either way)',
      })
      .option('holdout', { type: 'string', describe: 'Share at the end kept out of sample, e.g. 20% (default 20%)' })
      .option('patience', {
        type: 'number',
        describe: 'Stop after this many generations without improvement (0 = off)',
      })
      .option('max-wall', {
        type: 'string',
        describe: 'Time budget, e.g. 8h; the run pauses resumable when it is spent',
      })
      .option('max-failed-share', {
        type: 'number',
        describe:
          'Stop (exit 1, resumable) at a generation where this share of ' +
          'the evaluations failed (default 1: only when all fail)',
      })
      .option('top', { type: 'number', default: 5, describe: 'Hall-of-fame entries to print' })
      .example('$0 evolve --dataset BTCUSDT_FULL_CYCLE --pop 150', 'the default search')
      .example('$0 evolve --config configs/overnight.yaml', 'an overnight search from YAML')
      .example('$0 evolve --resume <run-id>', 'continue after Ctrl-C, a crash or a time budget'),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const home = forgeHome(ctx.home);
    const name = argv.name === undefined ? undefined : checkRunName(argv.name);
    const shared = searchFlags(argv);
    const flags: EvolveInput = {
      ...shared,
      regimes:
        argv.regimes === undefined
          ? undefined
          : argv.regimes
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean),
      across: argv.across,
      holdout: argv.holdout,
      ga: { ...shared.ga, patience: argv.patience },
      maxWall: argv['max-wall'],
      featureMemory: argv['feature-memory'],
      maxFailedShare: argv['max-failed-share'],
    };
    const view = progressView(ctx.json || ctx.quiet ? 'none' : process.stderr.isTTY ? 'bar' : 'lines', (line) =>
      process.stderr.write(line + '\n'),
    );
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
        if (name !== undefined) writeRunName(home.runsDir, info.runId, name);
        const bars = Object.entries(info.dataset.bars)
          .map(([tf, n]) => `${n.toLocaleString('en-US')} ${tf}`)
          .join(', ');
        const synthetic =
          info.dataset.source === 'synthetic' ? ' (SYNTHETIC stand-in: no real candles for it in the store)' : '';
        ctx.warn(
          `${info.resumedAt === null ? 'run' : `resuming run (at generation ${info.resumedAt})`} ` +
            `${info.runId}: ${info.dataset.name}${synthetic} [${bars}], ` +
            `pop ${info.population} x ${info.generations} generations, ${info.genes} genes, ` +
            `${info.workers} worker${info.workers > 1 ? 's' : ''}; ` +
            `dataset into shared memory in ${info.dataset.loadMs} ms ` +
            `(${(info.dataset.sharedBytes / 1e6).toFixed(1)} MB)`,
        );
        view.start(info);
      },
      generation: (p: Parameters<typeof view.generation>[0]) => view.generation(p),
    };
    const storeWaitMs =
      argv['store-wait'] === undefined ? undefined : parseDuration(argv['store-wait'], '--store-wait');
    try {
      let outcome: EvolveOutcome;
      if (argv.resume !== undefined) {
        // Only the operational flags apply on resume; the run's own config is stored with it.
        const { operational, warnings } = resolveEvolveConfig(
          {},
          {
            workers: flags.workers,
            maxWall: flags.maxWall,
            featureMemory: flags.featureMemory,
            maxFailedShare: flags.maxFailedShare,
            redis: flags.redis,
          },
          DEFAULT_PLAY,
        );
        for (const w of warnings) ctx.warn(`warning: ${w}`);
        outcome = await resumeEvolve(
          home,
          argv.resume,
          { ...operational, batchesPerWorker: argv['batches-per-worker'], storeWaitMs, data: dataPolicy(argv) },
          events,
          { stopRequested },
        );
      } else {
        const file = argv.config !== undefined ? readEvolveFile(argv.config) : {};
        const { config, operational, warnings } = resolveEvolveConfig(file, flags, DEFAULT_PLAY);
        for (const w of warnings) ctx.warn(`warning: ${w}`);
        outcome = await startEvolve(
          home,
          config,
          { ...operational, batchesPerWorker: argv['batches-per-worker'], storeWaitMs, data: dataPolicy(argv) },
          events,
          { stopRequested },
        );
      }
      view.stop();
      if (name !== undefined) writeRunName(home.runsDir, outcome.runId, name);
      const runName = readRunName(home.runsDir, outcome.runId);
      const written =
        argv.report !== undefined && outcome.hallOfFame.length > 0
          ? // Loaded only for --report: the report's modules are most of what a search would load otherwise.
            await (await import('../../forge/report/write.js')).writeReport(
              home,
              outcome.runId,
              argv.report === '' ? undefined : String(argv.report),
            )
          : undefined;
      ctx.emit({
        ok: true,
        ...outcome,
        name: runName,
        hallOfFame: outcome.hallOfFame.slice(0, Math.max(argv.top, 10)),
        report: written?.file ?? null,
      });
      sayEvolveSummary(ctx, summary(outcome, runName), argv.top);
      if (written) (await import('./report.js')).sayWritten(ctx, written, runName);
      // A user stop is not a failure, but scripts should be able to tell it from a finished run.
      if (outcome.status === 'interrupted') process.exitCode = stop.exitCode();
    } catch (err) {
      if (!endStopCutShortByRedis(ctx, err, stop, () => view.stop())) throw err;
    } finally {
      stop.dispose();
    }
  },
};

function summary(o: EvolveOutcome, name: string | null): EvolveSummary {
  const { wallMs, evalsPerSec, workers, features, resumedAt, session } = o;
  return {
    ...o,
    name,
    session:
      o.status === 'already-finished' ? undefined : { wallMs, evalsPerSec, workers, features, resumedAt, ...session },
  };
}
