import path from 'node:path';
import type { EvolveOutcome } from '../../forge/evolve/run.js';
import type { HallOfFameEntry } from '../../forge/runs/types.js';
import { duration, featureLine } from '../progress.js';
import { table, type CliContext } from '../output.js';

// The end summary of an evolve run: printed when `forge evolve` ends and again by `forge runs show`.
// A re-shown run has no session (nothing was evaluated now), so it says no time or speed; a resumed
// run tells this session's figures apart from the run's totals.

export type EvolveSummary = Pick<
  EvolveOutcome,
  'runId' | 'runDir' | 'generationsDone' | 'evaluations' | 'dataset' | 'config' | 'hallOfFame'
> & {
  /** Slots that reused an evaluated play; unknown for a run shown again from the store. */
  readonly cacheHits?: number;
  readonly name: string | null;
  /** How the run stands: an outcome's status, or the stored status of a run shown again. */
  readonly status: EvolveOutcome['status'] | 'shown';
  readonly storedStatus?: string;
  /** What this invocation did; absent when a finished run is only shown. */
  readonly session?: Pick<EvolveOutcome, 'wallMs' | 'evalsPerSec' | 'workers' | 'features' | 'resumedAt'> &
    EvolveOutcome['session'];
};

export const pct = (x: number | undefined | null) =>
  x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`;
export const num = (x: number | undefined | null) =>
  x === undefined || x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(2);
const count = (n: number) => n.toLocaleString('en-US');

/** "run 3f2a... "name"": the id, and the name wherever there is one. */
export const runLabel = (id: string, name: string | null) => (name ? `${id} "${name}"` : id);

/** A hall-of-fame table; an entry that made no out-of-sample trade says so beside its figures. */
export function hallOfFameTable(entries: readonly HallOfFameEntry[]): string {
  const rows = entries.map((e) => {
    const noOos = e.outOfSample !== null && e.outOfSample !== undefined && e.outOfSample.trades === 0;
    return [
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
      noOos ? '0 (no OOS trades: OOS figures say nothing)' : e.outOfSample ? e.outOfSample.trades : 'n/a',
    ];
  });
  return table(
    [
      '#',
      'fitness',
      'equivalents',
      'IS return',
      'IS sharpe',
      'IS maxDD',
      'IS trades',
      'OOS return',
      'OOS sharpe',
      'OOS maxDD',
      'OOS trades',
    ],
    rows,
  );
}

function statusLine(o: EvolveSummary): string {
  const g = o.generationsDone;
  switch (o.status) {
    case 'finished':
      return `finished ${g} generations`;
    case 'stopped-patience':
      return `stopped early after ${g} generations (no improvement for 'patience' generations)`;
    case 'budget-spent':
      return `spent the budget of ${count(o.config.ga.budget)} distinct evaluations in ${g} generations`;
    case 'exhausted':
      return o.config.ga.method === 'grid'
        ? `stopped after ${g} generations: every grid point is evaluated`
        : `stopped after ${g} generations: no new play was found for several generations (the space is exhausted)`;
    case 'paused-time-budget':
      return `paused after ${g} generations: the time budget is spent`;
    case 'interrupted':
      return `interrupted after ${g} generations`;
    case 'already-finished':
      return `this run had already finished (${g} generations); showing its result`;
    case 'shown':
      return (
        `run ${runLabel(o.runId, o.name)}: ${o.storedStatus ?? 'stopped'} ` +
        `after ${g} of ${o.config.ga.generations} generations`
      );
  }
}

export function sayEvolveSummary(ctx: CliContext, o: EvolveSummary, top: number): void {
  const synthetic =
    o.dataset.source === 'synthetic' ? ` on a SYNTHETIC stand-in dataset ${o.dataset.name}` : ` on ${o.dataset.name}`;
  const s = o.session;
  const ran = s !== undefined && s.evaluations > 0;
  const rate =
    ran && s.evalsPerSec > 0
      ? `, ${s.evalsPerSec.toFixed(0)} evaluations/s on ${s.workers} worker${s.workers > 1 ? 's' : ''}`
      : '';
  const speed = ran ? ` in ${duration(s.wallMs)}${rate}` : '';
  if (s !== undefined && s.resumedAt !== null && o.status !== 'already-finished') {
    ctx.say(`\n${statusLine(o)}${synthetic}`);
    ctx.say(
      `this session: generations ${s.resumedAt + 1}..${o.generationsDone} ` +
        `(${s.generations}), ${count(s.evaluations)} plays evaluated${speed}`,
    );
    ctx.say(
      `run totals:   ${o.generationsDone} generations, ${count(o.evaluations)} distinct plays ` +
        `evaluated${o.cacheHits !== undefined ? `, ${count(o.cacheHits)} cache hits` : ''}`,
    );
  } else {
    const hits =
      o.cacheHits !== undefined ? `, ${count(o.cacheHits)} cache hits (slots reusing an evaluated play)` : '';
    ctx.say(`\n${statusLine(o)}${synthetic}: ${count(o.evaluations)} distinct plays evaluated${hits}${speed}`);
  }
  if (ran && s.features.requests > 0) ctx.say(`shared features: ${featureLine(s.features)}`);
  const h = o.config.holdout;
  ctx.say(
    `\nhall of fame (fitness = in-sample ${o.config.fitness.objective}; ` +
      `out-of-sample = the last ${(h * 100).toFixed(0)}% of the window, never ` +
      'used for selection; equivalents = other plays found with the same trades)',
  );
  ctx.say(hallOfFameTable(o.hallOfFame.slice(0, top)));
  const best = o.hallOfFame[0];
  if (best?.regimes?.length) {
    ctx.say(
      `\nfitness = ${o.config.across} over ` +
        `${[o.dataset.name, ...best.regimes.map((r) => r.dataset)].join(', ')}; ` +
        'the best play on each (in-sample):',
    );
    const main = { dataset: o.dataset.name, fitness: NaN, inSample: best.inSample, outOfSample: best.outOfSample };
    ctx.say(
      table(
        ['dataset', 'IS return', 'IS sharpe', 'IS maxDD', 'IS trades'],
        [main, ...best.regimes].map((r) => [
          r.dataset,
          pct(r.inSample?.totalReturn),
          num(r.inSample?.sharpe),
          pct(r.inSample?.maxDrawdown),
          r.inSample?.trades ?? 0,
        ]),
      ),
    );
  }
  if (best) {
    ctx.say(`\nbest play:`);
    for (const line of best.play) ctx.say(`  ${line}`);
  }
  const rel = path.relative(process.cwd(), o.runDir) || o.runDir;
  ctx.say(
    `\nrun folder: ${rel} (config.json, checkpoint.json, hall_of_fame.json, generations.json, evaluations/*.parquet)`,
  );
  if (o.status === 'interrupted' || o.status === 'paused-time-budget')
    ctx.say(`resume: forge evolve --resume ${o.runId}`);
  if (best)
    ctx.say(
      `backtest the winner: forge backtest --run ${o.runId} --rank 1` +
        `${o.hallOfFame.length > 1 ? `   (or --rank 2..${o.hallOfFame.length})` : ''}`,
    );
  if (best) ctx.say(`report with charts: forge report ${o.runId}`);
}
