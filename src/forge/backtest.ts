import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../engine/errors.js';
import { sliceFeed } from '../engine/feeds.js';
import { parsePlay, type Play, type PlayRun, type PlaySpace } from '../engine/play/index.js';
import type { Feed } from '../engine/types.js';
import { loadDataset } from './datasets/load.js';
import { barAt } from './eval/ranges.js';
import type { ForgeHome } from './home.js';
import { assertStoredRunId, runIdArgument, runPaths } from './runs/run-folder.js';
import type { HallOfFameEntry, StoredRunConfig } from './runs/types.js';
import { isoUtc } from './store/rows.js';

// `forge backtest` without the printing: the play of a run's hall-of-fame entry, a dataset's feeds
// for a play, a date window as views of the feeds, and the trades and equity as CSV text.

export interface RunWinner {
  readonly space: PlaySpace;
  readonly playFile: string;
  readonly genome: number[];
  readonly dataset: string;
  readonly fitness: number;
}

/** The play text, genome and dataset of a run's hall-of-fame entry (the run folder holds all three). */
export function runWinner(home: ForgeHome, runId: string, rank: number): RunWinner {
  const id = runIdArgument(runId, '--run');
  const p = runPaths(home.runsDir, id);
  if (!fs.existsSync(p.configPath) || !fs.existsSync(p.hallOfFamePath)) {
    throw new ForgeError(
      `no evolve run '${runId}' with a hall of fame under ${path.dirname(p.dir)}`,
      'give a run id printed by forge evolve (see the runs/ folder)',
      'E_NO_RUN',
    );
  }
  const stored = JSON.parse(fs.readFileSync(p.configPath, 'utf8')) as StoredRunConfig;
  assertStoredRunId(stored.runId, p.configPath, id);
  const hof = JSON.parse(fs.readFileSync(p.hallOfFamePath, 'utf8')) as HallOfFameEntry[];
  const entry = hof[rank - 1];
  if (!Number.isInteger(rank) || entry === undefined) {
    throw new ForgeError(
      `--rank: run ${runId} has ${hof.length} hall-of-fame entries, not #${rank}`,
      `use --rank 1..${hof.length}`,
      'E_ARG',
    );
  }
  return {
    space: parsePlay(stored.playText, stored.config.play),
    playFile: stored.config.play,
    genome: entry.genome,
    dataset: stored.dataset.name,
    fitness: entry.fitness,
  };
}

/** A built dataset's feeds for a play: it must hold the play's timeframe; another symbol is a note. */
export async function datasetFeedsFor(
  home: ForgeHome,
  name: string,
  play: Play,
  warn: (m: string) => void,
): Promise<Record<string, Feed>> {
  const { manifest, feeds } = await loadDataset(home, name);
  if (feeds[play.market.tf] === undefined) {
    throw new ForgeError(
      `dataset '${name}' has no ${play.market.tf} bars (it has ` +
        `${Object.keys(feeds).join(', ')}); the play runs on market.tf ${play.market.tf}`,
      `add ${play.market.tf} to the dataset's timeframes and rebuild, or change the play's market.tf`,
      'E_PLAY_TF',
    );
  }
  if (play.market.symbol !== undefined && play.market.symbol !== manifest.symbol)
    warn(`note: the play names ${play.market.symbol}, the dataset holds ${manifest.symbol}`);
  return feeds;
}

/** Views of every feed restricted to bars with time in [from, to) (epoch ms; undefined = open). Never copies. */
export function sliceFeeds(
  feeds: Record<string, Feed>,
  from: number | undefined,
  to: number | undefined,
): Record<string, Feed> {
  if (from === undefined && to === undefined) return feeds;
  const out: Record<string, Feed> = {};
  for (const [tf, f] of Object.entries(feeds))
    out[tf] = sliceFeed(
      f,
      from === undefined ? 0 : barAt(f.time, from),
      to === undefined ? f.length : barAt(f.time, to),
    );
  return out;
}

const EXIT_REASONS = [
  'signal',
  'opposite',
  'stop_loss',
  'take_profit',
  'trailing_stop',
  'time_stop',
  'end_of_data',
  'liquidation',
];

/** One line per trade, times in UTC, return in percent. */
export function tradesCsv(run: PlayRun): string {
  const t = run.result.trades;
  const time = run.feed.time;
  const lines = [
    'direction,entry_time,exit_time,entry_bar,exit_bar,entry_price,exit_price,size,pnl,return_pct,fees,exit_reason',
  ];
  for (let k = 0; k < t.count; k++) {
    lines.push(
      [
        t.direction[k] > 0 ? 'long' : 'short',
        isoUtc(time[t.entryBar[k]]),
        isoUtc(time[t.exitBar[k]]),
        t.entryBar[k],
        t.exitBar[k],
        t.entryPrice[k],
        t.exitPrice[k],
        t.size[k],
        t.pnl[k],
        t.returnPct[k] * 100,
        t.fees[k],
        EXIT_REASONS[t.exitReason[k]] ?? String(t.exitReason[k]),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** The equity curve, one line per bar. */
export function equityCsv(run: PlayRun): string {
  const { time } = run.feed;
  const eq = run.result.equity;
  const lines = ['time,equity'];
  for (let i = 0; i < eq.length; i++) lines.push(`${isoUtc(time[i])},${eq[i]}`);
  return lines.join('\n') + '\n';
}
