import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { parseBytes } from '../../forge/units.js';
import { parseRedisUrl } from '../../forge/distributed/redis-url.js';
import { forgeHome } from '../../forge/home.js';
import {
  readWalkforwardFile,
  resolveWalkforwardConfig,
  type WalkforwardInput,
} from '../../forge/walkforward/config.js';
import { runWalkforward, type WalkforwardOutcome, type WalkforwardStopped } from '../../forge/walkforward/run.js';
import { makeContext, table, type CliContext } from '../output.js';
import { duration } from '../progress.js';
import { dataPolicy } from '../data-policy.js';
import { searchFlags, searchOptions, type SearchArgs, type SearchTexts } from '../search-options.js';
import { commandLine, endStopCutShortByRedis, listenForStop } from '../stop-signals.js';
import { writeReport } from '../../forge/report/write.js';
import { labelGenes } from '../../forge/report/labels.js';
import { checkRunName, readRunName, writeRunName } from '../../forge/runs/read.js';
import { runLabel } from '../summaries/evolve.js';
import { sayWritten } from './report.js';

const DEFAULT_PLAY = fileURLToPath(new URL('../../../configs/plays/default.yaml', import.meta.url));

interface WalkforwardArgs extends SearchArgs {
  mode?: string;
  train?: string;
  test?: string;
  step?: string;
}

/** What walkforward says about the flags it shares with evolve. */
const TEXTS: SearchTexts = {
  config: 'YAML config (e.g. configs/walkforward.yaml); flags override it',
  pop: 'Population per window (default 40)',
  generations: 'Generations per window (default 10)',
  budget: 'Distinct evaluations per window; the search stops when spent',
  method: 'Search per window: ga (default), grid, random',
  seed: 'Run seed; each window derives its own from it and its index (default 42)',
  fitness: 'In-sample objective (default sharpe)',
  redis:
    "Evaluate the windows' plays on forge worker processes through this Redis " +
    '(redis://[user:password@]host:6379, rediss:// for TLS)',
};

export const walkforwardCommand: CommandModule<object, WalkforwardArgs> = {
  command: 'walkforward',
  describe:
    'Walk-forward optimisation: a GA search per training window, ' +
    'its winner tested on the unseen range after it, and a robustness verdict',
  builder: (y) =>
    searchOptions(y, TEXTS)
      .option('mode', {
        type: 'string',
        choices: ['rolling', 'anchored'],
        describe: 'rolling: the training range slides; anchored: it grows from the first bar (default rolling)',
      })
      .option('train', { type: 'string', describe: 'Training length: 180d, 36h, 4w or 4000bars (default 180d)' })
      .option('test', { type: 'string', describe: 'Test length after each training range (default 30d)' })
      .option('step', { type: 'string', describe: 'Shift between windows, >= test (default: = test)' })
      .example(
        '$0 walkforward --dataset BTCUSDT_1H_ALL --play configs/plays/wf_trend_1h.yaml --train 180d --test 60d',
        'rolling windows on 1h data',
      )
      .example('$0 walkforward --config configs/walkforward.yaml --mode anchored', 'from YAML, anchored windows'),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const home = forgeHome(ctx.home);
    const name = argv.name === undefined ? undefined : checkRunName(argv.name);
    const flags: WalkforwardInput = {
      ...searchFlags(argv),
      mode: argv.mode,
      train: argv.train,
      test: argv.test,
      step: argv.step,
    };
    const file = argv.config !== undefined ? readWalkforwardFile(argv.config) : {};
    const { config, workers, redis, warnings } = resolveWalkforwardConfig(file, flags, DEFAULT_PLAY);
    for (const w of warnings) ctx.warn(`warning: ${w}`);
    const progress = !ctx.json && !ctx.quiet;
    const line = (s: string) => {
      if (progress) process.stderr.write(s + '\n');
    };
    const featureMemory =
      argv['feature-memory'] === undefined ? undefined : parseBytes(argv['feature-memory'], '--feature-memory');
    // The command to run it again, as typed, but with a Redis password from the flags shown as ***.
    const rerun = commandLine(redis === undefined ? undefined : { secret: redis, shown: parseRedisUrl(redis).display });
    // A walk-forward has no checkpoint: on SIGINT/SIGTERM it stops at the end of the current generation
    // with nothing written but its config, releases the run lock, and says to run the command again.
    const stop = listenForStop('this generation (a walk-forward has no checkpoint: nothing of it is kept)', () => {
      process.stderr.write(`\ninterrupted; nothing of this walk-forward was kept. To run it again: ${rerun}\n`);
    });
    const events: Parameters<typeof runWalkforward>[3] = {
      warn: (m) => ctx.warn(`warning: ${m}`),
      start: (info) => {
        if (name !== undefined) writeRunName(home.runsDir, info.runId, name);
        const synthetic =
          info.dataset.source === 'synthetic' ? ' (SYNTHETIC stand-in: no real candles for it in the store)' : '';
        line(
          `walk-forward ${info.runId}: ${info.dataset.name}${synthetic}, ` +
            `${info.bars.toLocaleString('en-US')} ${info.timeframe} bars, ` +
            `${info.windows.length} ${config.mode} windows ` +
            `(train ${config.train.text}, test ${config.test.text}, step ${config.step.text}), ` +
            `pop ${config.ga.population} x ${config.ga.generations} generations per window, ${info.genes} genes, ` +
            `${info.workers} worker${info.workers > 1 ? 's' : ''}`,
        );
        for (const w of info.windows)
          line(
            `  window ${w.index + 1}: train ${day(w.train.from)} .. ${day(w.train.to)}  ` +
              `test ${day(w.test.from)} .. ${day(w.test.to)}`,
          );
      },
      generation: (p) => {
        const rate = p.evalMs > 0 ? ((p.evaluations * 1000) / p.evalMs).toFixed(0) : '0';
        line(
          `gen ${p.generation}/${p.generations} (all ${p.windows} windows)  ` +
            `${p.evaluations.toLocaleString('en-US')} evaluations  ${rate} eval/s  ` +
            `elapsed ${duration(p.elapsedMs)}  eta ${duration(p.etaMs)}`,
        );
      },
      window: (w, total) =>
        line(
          `window ${w.index + 1}/${total} ${w.status}` +
            (w.status === 'ok'
              ? `: IS return ${pct(w.inSample?.totalReturn)}, OOS return ${pct(w.outOfSample?.totalReturn)}, ` +
                `drop ${pct(w.drop ?? undefined)}`
              : `: ${w.error}`),
        ),
    };
    try {
      const outcome = await runWalkforward(
        home,
        config,
        { workers, featureMemory, redis, data: dataPolicy(argv), rerun },
        events,
        stop,
      );
      if (outcome.status === 'interrupted') {
        reportStopped(ctx, outcome, rerun);
        process.exitCode = stop.exitCode();
        return;
      }
      if (name !== undefined) writeRunName(home.runsDir, outcome.runId, name);
      const runName = readRunName(home.runsDir, outcome.runId);
      const written =
        argv.report === undefined
          ? undefined
          : await writeReport(home, outcome.runId, argv.report === '' ? undefined : argv.report);
      ctx.emit({ ok: true, ...outcome, name: runName, report: written?.file ?? null });
      ctx.say(`walk-forward run ${runLabel(outcome.runId, runName)}`);
      sayWalkforward(ctx, outcome);
      if (written) sayWritten(ctx, written, runName);
    } catch (err) {
      if (!endStopCutShortByRedis(ctx, err, stop)) throw err;
    } finally {
      stop.dispose();
    }
  },
};

function reportStopped(ctx: CliContext, o: WalkforwardStopped, rerun: string): void {
  ctx.emit({ ok: false, ...o, rerun });
  ctx.say(
    `\nwalk-forward ${o.runId} stopped after ${o.generationsDone} of ${o.generations} generations; ` +
      `nothing of it was kept ` +
      `(a walk-forward has no checkpoint; its results are written only when every window is done).`,
  );
  ctx.say(`to run it again: ${rerun}`);
}

const day = (iso: string) => (iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' '));
const pct = (x: number | undefined | null) =>
  x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`;
const num = (x: number | undefined | null, d = 2) =>
  x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d);

/** A walk-forward's summary: printed at its end, and again by `forge runs show`. */
export function sayWalkforward(ctx: CliContext, o: WalkforwardOutcome): void {
  const synthetic = o.dataset.source === 'synthetic' ? ' on a SYNTHETIC stand-in dataset' : '';
  if (o.reused) ctx.say(`this walk-forward had already run (same config, play, dataset and seed); showing its result`);
  ctx.say(
    `\nwalk-forward${synthetic}: ${o.windows.length} windows on ${o.dataset.name} (${o.timeframe}), ` +
      `fitness = in-sample ${o.config.fitness.objective}` +
      (o.reused
        ? ''
        : `, ${duration(o.wallMs)}, ${o.evaluationsPerSec.toFixed(0)} evaluations/s ` +
          `on ${o.workers} worker${o.workers > 1 ? 's' : ''}`),
  );
  const rows = o.windows.map((w) => [
    w.index + 1,
    `${day(w.train.from)}..${day(w.train.to)}`,
    `${day(w.test.from)}..${day(w.test.to)}`,
    w.status,
    pct(w.inSample?.totalReturn),
    pct(w.inSample?.cagr),
    w.inSample?.trades ?? '',
    pct(w.outOfSample?.totalReturn),
    pct(w.outOfSample?.cagr),
    num(w.outOfSample?.sharpe),
    w.outOfSample?.trades ?? '',
    pct(w.drop),
  ]);
  ctx.say(
    table(
      [
        '#',
        'train',
        'test',
        'status',
        'IS return',
        'IS CAGR',
        'IS trades',
        'OOS return',
        'OOS CAGR',
        'OOS sharpe',
        'OOS trades',
        'drop',
      ],
      rows,
    ),
  );
  for (const w of o.windows) if (w.status === 'failed') ctx.say(`  window ${w.index + 1} failed: ${w.error}`);
  ctx.say(`\nwinners' genes:`);
  for (const w of o.windows)
    if (w.params)
      ctx.say(
        `  ${w.index + 1}: ${Object.entries(labelGenes(w.params))
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
      );

  const a = o.aggregate;
  ctx.say(
    `\naggregate over ${a.okWindows} completed window${a.okWindows === 1 ? '' : 's'}` +
      `${a.failedWindows ? ` (${a.failedWindows} failed)` : ''}:`,
  );
  ctx.say(
    `  average return         in-sample ${pct(a.avgInSampleReturn)}, out-of-sample ${pct(a.avgOutOfSampleReturn)}`,
  );
  ctx.say(`  mean CAGR (geometric)  in-sample ${pct(a.avgInSampleCagr)}, out-of-sample ${pct(a.avgOutOfSampleCagr)}`);
  ctx.say(`  degradation            ${pct(a.degradation)}   (mean IS CAGR - mean OOS CAGR) / |mean IS CAGR|`);
  ctx.say(`  walk-forward eff.      ${num(a.wfe)}   mean OOS CAGR / mean IS CAGR`);
  ctx.say(
    `  consistency            CV ${num(a.cv)}, score ${num(a.consistencyScore, 1)}   CV = std / |mean| of OOS returns`,
  );
  ctx.say(`  profitable windows     ${a.profitableWindows}/${a.okWindows} (${pct(a.profitableShare)})`);
  const s = o.stitched;
  ctx.say(
    `  stitched OOS equity    ${num(s.startEquity)} -> ${num(s.finalEquity)} ` +
      `(${pct(s.totalReturn)}, CAGR ${pct(s.cagr)}, max drawdown ${pct(s.maxDrawdown)}, ${s.bars} bars)`,
  );

  const v = o.verdict;
  const fmt = (name: string, x: number | null) =>
    name === 'minConsistency' ? num(x, 1) : name === 'minWfe' ? num(x) : pct(x);
  ctx.say(
    '\n' +
      table(
        ['criterion', 'value', 'threshold', 'result'],
        v.criteria.map((c) => [
          c.label,
          fmt(c.name, c.value),
          `${c.op} ${fmt(c.name, c.threshold)}`,
          c.pass ? 'pass' : 'FAIL',
        ]),
      ),
  );
  const label = {
    robust: 'ROBUST',
    marginal: 'MARGINAL',
    'not-robust': 'NOT ROBUST',
    'no-result': 'NO RESULT (no window completed)',
  }[v.label];
  ctx.say(`\nverdict: ${label} (${v.passed}/${v.total} criteria pass)`);
  const rel = path.relative(process.cwd(), o.runDir) || o.runDir;
  ctx.say(`run folder: ${rel} (walkforward.json, equity.csv, config.json)`);
}
