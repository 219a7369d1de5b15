import type { CommandModule } from 'yargs';

import { ForgeError } from '../../engine/errors.js';
import { forgeHome, type ForgeHome } from '../../forge/home.js';
import { LIST_KINDS, listRuns, summarise, type ListKind, type RunSummary } from '../../forge/runs/list.js';
import {
  readHallOfFame,
  readStoredConfig,
  readValidation,
  readWalkforwardReport,
  resolveRunRef,
  runFiles,
} from '../../forge/runs/read.js';
import { removeRun } from '../../forge/runs/remove.js';
import { makeContext, table, type CliContext } from '../output.js';
import { sayEvolveSummary, num, pct, runLabel } from '../summaries/evolve.js';
import { sayValidation } from './validate.js';
import { sayWalkforward } from './walkforward.js';

// `forge runs ls|show|compare|rm`: find, re-read, compare and remove past runs. The names given with
// --name appear beside every id, and every argument that takes a run also takes its name.

interface GlobalArgs {
  home?: string;
  json?: boolean;
  quiet?: boolean;
}
interface LsArgs extends GlobalArgs {
  kind?: ListKind;
  dataset?: string;
  sort: 'created' | 'best';
}
interface ShowArgs extends GlobalArgs {
  run?: string;
  top: number;
}
interface CompareArgs extends GlobalArgs {
  ids?: string[];
}
interface RmArgs extends GlobalArgs {
  run?: string;
}

const figure = (r: RunSummary, x: number | null) => (r.figure === 'mean return' ? pct(x) : num(x));
const created = (iso: string | null) => (iso === null ? '' : iso.slice(0, 16).replace('T', ' '));

function lsTable(runs: readonly RunSummary[]): string {
  return table(
    [
      'id',
      'name',
      'kind',
      'created (UTC)',
      'dataset',
      'play',
      'seed',
      'status',
      'gens',
      'evals',
      'figure',
      'best IS',
      'its OOS',
    ],
    runs.map((r) => [
      r.id,
      r.name ?? '',
      r.kind,
      created(r.created),
      r.synthetic ? `${r.dataset} (SYNTHETIC)` : r.dataset,
      r.play,
      r.seed,
      r.live ? 'running (live)' : r.status,
      r.generations,
      r.evaluations,
      r.figure,
      figure(r, r.bestInSample),
      figure(r, r.bestOutOfSample),
    ]),
  );
}

async function ls(ctx: CliContext, home: ForgeHome, argv: LsArgs): Promise<void> {
  const { runs, note } = await listRuns(home.runsDir, home.storePath, {
    kind: argv.kind,
    dataset: argv.dataset,
    sort: argv.sort,
  });
  ctx.emit({ ok: true, runs, note });
  if (note) ctx.warn(`note: ${note}`);
  if (runs.length === 0) {
    ctx.say(`no runs${argv.kind || argv.dataset ? ' match' : ''} under ${home.runsDir}; start one with forge evolve`);
    return;
  }
  ctx.say(lsTable(runs));
  ctx.say(
    `\n${runs.length} run${runs.length === 1 ? '' : 's'}; best IS = the best in-sample figure, ` +
      `its OOS = the same play's out-of-sample figure (walk-forward: mean window returns)`,
  );
}

async function show(ctx: CliContext, home: ForgeHome, ref: string, top: number): Promise<void> {
  const id = resolveRunRef(home.runsDir, ref, 'runs show <run>');
  const rows = await summarise(home.runsDir, id);
  const wf = readWalkforwardReport(home.runsDir, id);
  const stored = readStoredConfig(home.runsDir, id)!;
  const hof = readHallOfFame(home.runsDir, id);
  const validation = readValidation(home.runsDir, id);
  ctx.emit({
    ok: true,
    run: rows[0],
    hallOfFame: hof.slice(0, Math.max(top, 10)),
    walkforward: wf,
    validation,
    config: stored.config,
  });
  const r = rows[0];
  if (wf !== null) {
    ctx.say(`walk-forward run ${runLabel(id, r.name)}`);
    sayWalkforward(ctx, {
      ...wf,
      status: 'finished',
      runDir: runFiles(home.runsDir, id).dir,
      reused: true,
      equityCsv: runFiles(home.runsDir, id).equityPath,
      workers: 0,
      wallMs: 0,
      evaluationsPerSec: 0,
    });
    return;
  }
  sayEvolveSummary(
    ctx,
    {
      runId: id,
      name: r.name,
      runDir: runFiles(home.runsDir, id).dir,
      status: 'shown',
      storedStatus: r.live ? 'running (live)' : r.status,
      generationsDone: r.generations,
      evaluations: r.evaluations,
      dataset: stored.dataset,
      config: stored.config,
      hallOfFame: hof,
    },
    top,
  );
  if (validation !== null) {
    ctx.say('');
    sayValidation(ctx, validation, home.root);
  }
}

async function compare(ctx: CliContext, home: ForgeHome, refs: readonly string[]): Promise<void> {
  if (refs.length < 2)
    throw new ForgeError(
      `runs compare: give at least two runs (got ${refs.length})`,
      'e.g. forge runs compare 3f2a9c0d 77b1e0aa',
      'E_ARG',
    );
  const ids = refs.map((ref) => resolveRunRef(home.runsDir, ref, 'runs compare'));
  const runs: {
    summary: RunSummary;
    config: NonNullable<ReturnType<typeof readStoredConfig>>['config'];
    best: ReturnType<typeof readHallOfFame>[number] | null;
    validated: string | null;
  }[] = [];
  for (const id of ids) {
    const rows = await summarise(home.runsDir, id);
    const stored = readStoredConfig(home.runsDir, id)!;
    const best = readHallOfFame(home.runsDir, id)[0];
    runs.push({
      summary: rows[0],
      config: stored.config,
      best: best ?? null,
      validated: rows.length > 1 ? rows[1].status : null,
    });
  }
  ctx.emit({ ok: true, runs });
  const col = (f: (x: (typeof runs)[number]) => unknown) => runs.map(f);
  const lines: [string, ...unknown[]][] = [
    ['name', ...col((x) => x.summary.name ?? '')],
    ['kind', ...col((x) => x.summary.kind)],
    ['created (UTC)', ...col((x) => created(x.summary.created))],
    ['dataset', ...col((x) => (x.summary.synthetic ? `${x.summary.dataset} (SYNTHETIC)` : x.summary.dataset))],
    ['play', ...col((x) => x.summary.play)],
    ['seed', ...col((x) => x.summary.seed)],
    ['status', ...col((x) => (x.summary.live ? 'running (live)' : x.summary.status))],
    ['fitness', ...col((x) => x.config.fitness.objective)],
    ['population', ...col((x) => x.config.ga.population)],
    ['generations', ...col((x) => x.summary.generations)],
    ['evaluations', ...col((x) => x.summary.evaluations)],
    ['holdout', ...col((x) => (x.summary.kind === 'walkforward' ? '' : pct(x.config.holdout)))],
    ['figure', ...col((x) => x.summary.figure)],
    ['best IS', ...col((x) => figure(x.summary, x.summary.bestInSample))],
    ['its OOS', ...col((x) => figure(x.summary, x.summary.bestOutOfSample))],
    ['IS return', ...col((x) => pct(x.best?.inSample?.totalReturn))],
    ['OOS return', ...col((x) => pct(x.best?.outOfSample?.totalReturn))],
    [
      'OOS trades',
      ...col((x) => (x.best?.outOfSample?.trades === 0 ? '0 (no OOS trades)' : (x.best?.outOfSample?.trades ?? ''))),
    ],
    ['validation', ...col((x) => x.validated ?? '')],
  ];
  ctx.say(
    table(
      ['', ...ids],
      lines.map((l) => l.map((c) => (typeof c === 'number' ? c : String(c)))),
    ),
  );
}

async function rm(ctx: CliContext, home: ForgeHome, ref: string): Promise<void> {
  const id = resolveRunRef(home.runsDir, ref, 'runs rm <run>');
  const name = (await summarise(home.runsDir, id))[0]?.name ?? null;
  const r = await removeRun(home.runsDir, home.storePath, id);
  ctx.emit({ ok: true, ...r, name });
  const rows = Object.values(r.rows).reduce((s, n) => s + n, 0);
  ctx.say(`removed run ${runLabel(id, name)}: its folder ${r.dir} and ${rows.toLocaleString('en-US')} store rows`);
}

const withHome =
  <A extends GlobalArgs>(fn: (ctx: CliContext, home: ForgeHome, argv: A) => Promise<void>) =>
  async (argv: A) => {
    const ctx = makeContext(argv);
    await fn(ctx, forgeHome(ctx.home), argv);
  };

const lsCommand: CommandModule<object, LsArgs> = {
  command: 'ls',
  describe:
    'A table of the runs: id, name, kind, created, dataset, play, seed, status, generations, evaluations, best figures',
  builder: (b) =>
    b
      .option('kind', { type: 'string', choices: LIST_KINDS, describe: 'Only runs of this kind' })
      .option('dataset', { type: 'string', describe: 'Only runs on this dataset' })
      .option('sort', {
        type: 'string',
        choices: ['created', 'best'] as const,
        default: 'created' as const,
        describe: 'Newest first, or best in-sample figure first',
      }),
  handler: withHome((ctx, home, argv) => ls(ctx, home, argv)),
};

const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <run>',
  describe: "A run's end summary again, with its hall of fame",
  builder: (b) =>
    b
      .positional('run', { type: 'string', describe: 'Run id, unique id prefix, folder or --name' })
      .option('top', { type: 'number', default: 5, describe: 'Hall-of-fame entries to print' }),
  handler: withHome((ctx, home, argv) => show(ctx, home, argv.run!, argv.top)),
};

const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <ids..>',
  describe: 'Two or more runs side by side',
  builder: (b) =>
    b
      .parserConfiguration({ 'duplicate-arguments-array': true })
      .positional('ids', { type: 'string', array: true, describe: 'Run ids, prefixes or names' }),
  handler: withHome((ctx, home, argv) => compare(ctx, home, argv.ids ?? [])),
};

const rmCommand: CommandModule<object, RmArgs> = {
  command: 'rm <run>',
  describe: 'Remove a run: its folder and its store rows in one step (refused while it runs)',
  builder: (b) => b.positional('run', { type: 'string', describe: 'Run id, unique id prefix, folder or --name' }),
  handler: withHome((ctx, home, argv) => rm(ctx, home, argv.run!)),
};

export const runsCommand: CommandModule = {
  command: 'runs',
  describe: 'List, show, compare and remove past runs (evolve, walk-forward, validate)',
  builder: (y) =>
    y
      .command(lsCommand)
      .command(showCommand)
      .command(compareCommand)
      .command(rmCommand)
      .demandCommand(1, 'give a runs command: ls, show, compare or rm')
      .example('$0 runs ls --sort best', 'the best runs first')
      .example('$0 runs compare 3f2a9c0d 77b1e0aa', 'two runs side by side'),
  handler: () => undefined,
};
