import { describeGenome, describePlay, resolvePlay, type PlaySpace } from '../../engine/play/index.js';
import type { EvalRecord } from '../eval/evaluator.js';
import type { GAState } from '../ga/optimizer.js';
import type { HallOfFameEntry } from '../runs/types.js';

// The hall of fame as the run folder and the outcome show it: the GA's entries ranked, each with its
// genes and play described.

type Described = Pick<HallOfFameEntry, 'params' | 'play'>;

/**
 * The hall of fame of a state, for the plays of `space`. Each write describes the hall of fame
 * (resolving a play: ~0.3-1 ms an entry); entries stay for many generations, so their descriptions are
 * kept while they do: from one call to the next, only the entries still there.
 */
export function hallOfFameOf(space: PlaySpace): (s: GAState<EvalRecord>) => HallOfFameEntry[] {
  let described = new Map<string, Described>();
  return (s) => {
    const kept = described;
    described = new Map();
    return s.hallOfFame.map((h, i) => {
      const d = kept.get(h.key) ?? {
        params: describeGenome(space.genes, h.genome),
        play: describePlay(resolvePlay(space, h.genome)),
      };
      described.set(h.key, d);
      return entry(h, i, d);
    });
  };
}

function entry(h: GAState<EvalRecord>['hallOfFame'][number], i: number, d: Described): HallOfFameEntry {
  return {
    rank: i + 1,
    fitness: h.evaluation.fitness,
    generation: h.generation,
    genome: h.genome,
    params: d.params,
    play: d.play,
    equivalents: h.equivalents ?? 0,
    inSample: h.evaluation.inSample,
    outOfSample: h.evaluation.outOfSample,
    ...(h.evaluation.regimes ? { regimes: h.evaluation.regimes } : {}),
  };
}
