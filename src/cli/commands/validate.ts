import path from 'node:path';
import type { CommandModule } from 'yargs';
import { parseRedisUrl } from '../../forge/distributed/redis-url.js';
import { shellQuote } from '../../forge/shell-quote.js';
import { checkWorkers } from '../../forge/config/bounds.js';
import { forgeHome } from '../../forge/home.js';
import { readValidateFile, resolveValidateConfig, type ValidateInput } from '../../forge/validate/config.js';
import { validateRun } from '../../forge/validate/run.js';
import type { GuardResult, ValidationDoc } from '../../forge/validate/types.js';
import { writeReport } from '../../forge/report/write.js';
import { checkRunName, readRunName, writeRunName } from '../../forge/runs/read.js';
import { sayWritten } from './report.js';
import { duration } from '../progress.js';
import { commandLine } from '../stop-signals.js';
import { makeContext, table, type CliContext } from '../output.js';

interface ValidateArgs {
  run: string;
  top?: number;
  seed?: string;
  workers?: number;
  redis?: string;
  permutations?: number;
  bootstrap?: number;
  alpha?: number;
  'max-p'?: number;
  'min-sharpe-ci'?: number;
  'max-sensitivity'?: number;
  'min-stress-sharpe'?: number;
  'max-concentration'?: number;
  'min-regime-share'?: number;
  'min-wfe'?: number;
  'min-dsr'?: number;
  config?: string;
  name?: string;
  report?: string;
  home?: string;
  json?: boolean;
  quiet?: boolean;
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate <run>',
  describe:
    'Robustness guards for the best plays of an evolve run, with multiple-testing control (BH FDR, deflated Sharpe)',
  builder: (y) =>
    y
      .positional('run', {
        type: 'string',
        demandOption: true,
        describe: 'Run id (or run folder) of a forge evolve run',
      })
      .option('top', { type: 'number', describe: 'Hall-of-fame plays to validate (default 5)' })
      .option('seed', { type: 'string', describe: 'Seed of the resampling guards (default 42)' })
      .option('workers', {
        type: 'number',
        describe: 'Worker threads; 1 runs in-process (default: one per core). Results do not depend on it',
      })
      .option('redis', {
        type: 'string',
        describe:
          'Run the guards as jobs on forge worker processes through this Redis ' +
          '(redis://[user:password@]host:6379, rediss:// for TLS)',
      })
      .option('permutations', { type: 'number', describe: 'Monte Carlo permutations (default 1000)' })
      .option('bootstrap', { type: 'number', describe: 'Bootstrap resamples (default 2000)' })
      .option('alpha', {
        type: 'number',
        describe: 'False discovery rate of the Benjamini-Hochberg step (default 0.05)',
      })
      .option('max-p', { type: 'number', describe: 'Permutation guard: pass when p < this (default 0.05)' })
      .option('min-sharpe-ci', {
        type: 'number',
        describe: 'Bootstrap guard: pass when the 95% CI lower bound of the annualised Sharpe > this (default 1.0)',
      })
      .option('max-sensitivity', {
        type: 'number',
        describe: 'Sensitivity guard: pass when fitness varies < this % over the neighbours (default 10)',
      })
      .option('min-stress-sharpe', {
        type: 'number',
        describe: 'Stress guard: pass when the Sharpe at 2x costs > this (default 1.0)',
      })
      .option('max-concentration', {
        type: 'number',
        describe: 'Concentration guard: pass when the top 10 trades make < this % of net profit (default 40)',
      })
      .option('min-regime-share', {
        type: 'number',
        describe: 'Regime guard: pass when the share of regimes profitable > this (default 0.5)',
      })
      .option('min-wfe', { type: 'number', describe: 'Walk-forward guard: pass when efficiency >= this (default 0.6)' })
      .option('min-dsr', {
        type: 'number',
        describe: 'A play survives multiple testing when BH-significant and its deflated Sharpe > this (default 0.95)',
      })
      .option('config', {
        type: 'string',
        describe: 'YAML/JSON file of validate settings (see src/forge/validate/config.ts); flags override it',
      })
      .option('name', { type: 'string', describe: 'Name (label) the evolve run, shown beside its id everywhere' })
      .option('report', {
        type: 'string',
        describe:
          'At the end, write the HTML report of the run with this validation ' +
          '(to this file; bare --report: <run folder>/report.html)',
      })
      .example('$0 validate 3f2a9c0d1b2e4f56 --top 3', 'guard the three best plays of a run')
      .example('$0 validate 3f2a9c0d1b2e4f56 --workers 1 --json', 'the same result, serially, for a script'),
  handler: async (argv) => {
    const ctx = makeContext(argv);
    const home = forgeHome(ctx.home);
    const name = argv.name === undefined ? undefined : checkRunName(argv.name);
    const flags: ValidateInput = {
      top: argv.top,
      seed: argv.seed,
      permutation: { n: argv.permutations, maxP: argv['max-p'] },
      bootstrap: { n: argv.bootstrap, minLower: argv['min-sharpe-ci'] },
      sensitivity: { maxDispersionPct: argv['max-sensitivity'] },
      stress: { minSharpe: argv['min-stress-sharpe'] },
      concentration: { maxPct: argv['max-concentration'] },
      regime: { minProfitableShare: argv['min-regime-share'] },
      walkforward: { minEfficiency: argv['min-wfe'] },
      multipleTesting: { alpha: argv.alpha, minDsr: argv['min-dsr'] },
    };
    const workersWarning = checkWorkers(argv.workers);
    if (workersWarning) ctx.warn(`warning: ${workersWarning}`);
    const config = resolveValidateConfig(argv.config !== undefined ? readValidateFile(argv.config) : {}, flags);
    // A bad URL is refused before any work; its password is never shown in the command to run again.
    const target = argv.redis === undefined ? undefined : parseRedisUrl(argv.redis);
    const rerun = commandLine(target && { secret: argv.redis!, shown: target.display });
    const outcome = await validateRun(
      home,
      argv.run,
      config,
      { workers: argv.workers, redis: argv.redis, rerun },
      { warn: (m) => ctx.warn(`warning: ${m}`) },
    );
    if (name !== undefined) writeRunName(home.runsDir, outcome.doc.runId, name);
    const written =
      argv.report === undefined
        ? undefined
        : await writeReport(home, outcome.doc.runId, argv.report === '' ? undefined : argv.report);
    ctx.emit({
      ok: true,
      ...outcome.doc,
      name: readRunName(home.runsDir, outcome.doc.runId),
      validationPath: outcome.validationPath,
      report: written?.file ?? null,
    });
    sayValidation(ctx, outcome.doc, home.root);
    ctx.say(
      `\nwritten: ${outcome.validationPath} and the store's validations, multiple_testing and validated_plays tables ` +
        `(${duration(outcome.wallMs)}, ${outcome.workers} worker${outcome.workers > 1 ? 's' : ''})`,
    );
    if (written) sayWritten(ctx, written, readRunName(home.runsDir, outcome.doc.runId));
  },
};

const fmt = (x: number | null | undefined, digits = 3): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? 'n/a'
    : Math.abs(x) >= 1000
      ? x.toFixed(0)
      : x.toPrecision(digits);

function note(g: GuardResult): string {
  if (g.error) return g.error;
  const d = g.detail;
  switch (g.name) {
    case 'bootstrap':
      return d.lower === undefined
        ? ''
        : `${((d.level as number) * 100).toFixed(0)}% CI ` +
            `[${fmt(d.lower as number)}, ${fmt(d.upper as number)}], ${d.trades} trades`;
    case 'stress':
      return `break-even ${fmt(d.breakEvenBpsPerFill as number)} bps/fill vs ${d.baseCostBpsPerFill} now`;
    case 'regime':
      return d.ran === undefined
        ? String(d.note ?? '')
        : `profitable in ${d.profitable} of ${d.ran}: ${regimeRows(d.regimes)}`;
    case 'permutation':
      return `${d.permutations} permutations, ${d.trades} trades`;
    case 'sensitivity':
      return `${(d.points as number) - 1} neighbours, worst drop ${fmt(d.worstDropPct as number)}%`;
    default:
      return String(d.note ?? '');
  }
}

type RegimeRow = { dataset: string; source: string; totalReturn?: number | null; error?: string };

/** Each regime dataset the guard used, with its return: `VAL_BULL +3.2%, VAL_BEAR (synthetic) -1.0%`. */
function regimeRows(rows: unknown): string {
  return (rows as RegimeRow[])
    .map((r) => {
      const name = `${r.dataset}${r.source === 'synthetic' ? ' (synthetic)' : ''}`;
      if (r.error !== undefined) return `${name} could not run`;
      const x = r.totalReturn;
      return `${name} ${x === null || x === undefined ? 'n/a' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}%`}`;
    })
    .join(', ');
}

/** The guard's value with its unit. */
function valueText(g: GuardResult): string {
  if (g.value === null) return 'n/a';
  return `${fmt(g.value)} ${g.unit}`;
}

/** A validation's tables: printed by validate, and again by `forge runs show`. */
export function sayValidation(ctx: CliContext, doc: ValidationDoc, home: string): void {
  const mt = doc.multipleTesting;
  const synthetic = doc.dataset.source === 'synthetic' ? ' (SYNTHETIC stand-in)' : '';
  ctx.say(
    `validated ${doc.plays.length} play(s) of run ${doc.runId} on ${doc.dataset.name}${synthetic}, ` +
      `in-sample ${doc.inSample.from} .. ${doc.inSample.to}, seed ${doc.seed}`,
  );
  for (const n of doc.notes) ctx.say(`note: ${n}`);
  const homeFlag = path.resolve(home) === process.cwd() ? '' : ` --home ${shellQuote(home)}`;
  const noteOf = (g: GuardResult) =>
    typeof g.detail.command === 'string' && homeFlag
      ? note(g).replace(g.detail.command, g.detail.command + homeFlag)
      : note(g);
  const rows = doc.plays.flatMap((p) =>
    p.guards.map((g) => [p.rank, g.name, valueText(g), `${g.rule} ${g.threshold}`, g.status, noteOf(g)]),
  );
  ctx.say('\nguards (every guard on the run dataset uses its in-sample range; the holdout is never used)');
  ctx.say(table(['#', 'guard', 'value', 'pass if', 'result', 'note'], rows));
  if (doc.regimes.skipped.length)
    ctx.say(`regime datasets skipped: ${doc.regimes.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`);

  const here = doc.plays.filter((p) => p.multipleTesting.bhSignificant).length;
  ctx.say(
    `\nmultiple testing over ${mt.trials.toLocaleString('en-US')} distinct plays the run evaluated ` +
      `(from ${mt.source}): ` +
      `Benjamini-Hochberg at FDR ${mt.alpha} finds ${mt.significant} significant, ` +
      `${here} of them among the ${doc.plays.length} validated here; ` +
      `deflated Sharpe with N = ${mt.trials}, V(per-bar Sharpe) = ${fmt(mt.trialSharpeVariance)}, ` +
      `T = ${fmt(mt.observations, 6)} bars`,
  );
  ctx.say(`approximation: ${mt.approximation}`);
  const hof = doc.plays.map((p) => {
    const notRun = p.guards.length - p.guardsRun;
    return [
      p.rank,
      fmt(p.inSampleSharpe),
      fmt(p.multipleTesting.pValue),
      fmt(p.multipleTesting.bhAdjusted),
      p.multipleTesting.bhSignificant ? 'yes' : 'no',
      fmt(p.multipleTesting.dsr),
      `${p.guardsPassed}/${p.guardsRun} passed${notRun ? ` (${notRun} not run)` : ''}`,
      p.survivesMultipleTesting ? 'SURVIVES' : 'does not survive',
      p.verdict,
      p.why,
    ];
  });
  const headers = [
    '#',
    'IS sharpe (annualised)',
    'p (one-sided)',
    'BH adj. p',
    `BH @${mt.alpha}`,
    'DSR (probability)',
    'guards that ran',
  ];
  ctx.say(table([...headers, `BH + DSR > ${mt.minDsr}`, 'verdict', 'why'], hof));
}
