import { ForgeError } from '../../engine/errors.js';
import { defaultGenome, resolvePlay, type PlaySpace } from '../../engine/play/index.js';
import type { SharedLoad } from '../datasets/load-shared.js';
import { playFitFix } from '../datasets/plays-fit.js';
import type { EvalJob } from '../eval/evaluator.js';
import { holdoutRanges } from '../eval/ranges.js';
import { checkGrid } from '../ga/grid.js';
import type { GAOptions } from '../ga/options.js';
import type { StoredRunConfig } from '../runs/types.js';

// What a run checks and derives from its stored config before its search starts: that the play can
// run on every dataset and has genes, its GA options, and the evaluation job the workers get.

// Each worker's private fallback cache: only resampled feeds and features the stage failed on land there.
const CACHE_BYTES = 32 * 1024 * 1024;

/** What ga options a run stored before they existed meant: none of the newer behaviours. */
const LEGACY_GA: Pick<
  GAOptions,
  'method' | 'budget' | 'restartAfter' | 'restartShare' | 'retries' | 'init' | 'localShare'
> = {
  method: 'ga',
  budget: 0,
  restartAfter: 0,
  restartShare: 0.5,
  retries: 0,
  init: 'uniform',
  localShare: 0,
};

/** Refuses a play that trades a timeframe one of the datasets lacks (naming the plays that fit). */
export function checkPlayFits(space: PlaySpace, playFile: string, loads: readonly SharedLoad[]): void {
  const execTf = resolvePlay(space, defaultGenome(space.genes)).market.tf;
  for (const { manifest, shared } of loads) {
    const tfs = shared.timeframes.map((t) => t.tf);
    if (!tfs.includes(execTf)) {
      throw new ForgeError(
        `dataset ${manifest.name} has no ${execTf} bars (it has ${tfs.join(', ')}), ` +
          `and ${playFile} trades ${execTf}`,
        playFitFix(manifest.name, execTf, tfs),
        'E_PLAY_TF',
      );
    }
  }
}

/** The run's GA options (a run stored before an option existed gets its old behaviour), checked. */
export function searchOptions(space: PlaySpace, stored: StoredRunConfig): GAOptions {
  const { config } = stored;
  if (space.genes.length === 0)
    throw new ForgeError(
      `${config.play} has no genes: there is nothing to evolve`,
      'make numbers genes, e.g. period: {int: [5, 50]}, or use forge backtest',
      'E_NO_GENES',
    );
  const ga: GAOptions = { ...LEGACY_GA, ...config.ga };
  if (ga.method === 'grid') checkGrid(space.genes, ga.budget);
  return ga;
}

/** The evaluation job: the play, its ranges on the run's dataset and on each regime dataset, the fitness. */
export function evalJobOf(stored: StoredRunConfig, loaded: SharedLoad, regimeLoads: readonly SharedLoad[]): EvalJob {
  const { config } = stored;
  return {
    playText: stored.playText,
    playFile: config.play,
    cash: config.cash,
    ...holdoutRanges(loaded.manifest.window, config.holdout),
    fitness: config.fitness,
    cacheBytes: CACHE_BYTES,
    regimes: regimeLoads.map((l) => ({ name: l.manifest.name, ...holdoutRanges(l.manifest.window, config.holdout) })),
    across: config.across,
  };
}
